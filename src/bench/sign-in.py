#!/usr/bin/env python3
"""Signs in COUNT distinct users on the demo and writes one Cookie header value per line (SESSION=...; SESSION_V=...
or JSESSIONID=...), for the benchmark's wrk scripts.

    sign-in.py <base url> <count> <email prefix> <csrf token> <output file> [connections]

Each login is a POST /login with a fixed double-submit CSRF token (the cookie and the form field carry the same value)
and no session cookie, so each creates a new session. Keep-alive connections, one thread each: the server, not this
client, is the bottleneck. Exits 1 when a login is not answered 303 with a session cookie.
"""
import http.client
import sys
import threading
import urllib.parse

base, count, prefix, csrf, output = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
connections = int(sys.argv[6]) if len(sys.argv) > 6 else 8
url = urllib.parse.urlsplit(base)
cookies = [None] * count
failures = []


def sign_in(first):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "CSRF=" + csrf,
               "User-Agent": "session-store-bench"}
    for i in range(first, count, connections):
        body = urllib.parse.urlencode({"email": "%s-%d@example.com" % (prefix, i), "csrf": csrf})
        conn.request("POST", "/login", body, headers)
        response = conn.getresponse()
        response.read()
        got = [c.split(";", 1)[0].strip() for c in response.headers.get_all("Set-Cookie") or []]
        got = [c for c in got if not c.startswith("CSRF=")]
        if response.status != 303 or not got:
            failures.append("login %d answered %d %s" % (i, response.status, got))
            return
        cookies[i] = "; ".join(got)
    conn.close()


threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if failures:
    print("sign-in: " + failures[0], file=sys.stderr)
    sys.exit(1)
with open(output, "w") as out:
    out.write("\n".join(cookies) + "\n")
