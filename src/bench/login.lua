-- Sign-ins: each request a POST /login of a new user with no session cookie, so each creates a session (answered 303
-- to the welcome page). CSRF is a double-submit cookie (the cookie and the form field must be equal), so one fixed
-- token serves every request. Emails are <prefix>-<thread>-<n>@example.com, distinct within a run.
--
--   wrk -s src/bench/login.lua <url> -- <csrf token> <email prefix>

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local csrf, prefix, headers
local n = 0

function init(args)
  csrf, prefix = args[1], args[2]
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "CSRF=" .. csrf,
              ["User-Agent"] = "session-store-bench" }
end

function request()
  n = n + 1
  return wrk.format("POST", "/login", headers,
    "email=" .. prefix .. "-" .. id .. "-" .. n .. "%40example.com&csrf=" .. csrf)
end
