package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RawRequest;
import io.sessionstore.testing.SelfSignedCertificate;
import io.sessionstore.testing.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code tomcat-conf/cluster.sh} itself, and the nodes' trust in the load balancer's forwarded headers. One cluster
 * on a Redis Cluster of its own, with nginx also listening with TLS (a self-signed certificate made for the test),
 * and nodes that trust {@code 127.0.0.1} only ({@code TRUSTED_PROXIES}), so that a client on {@code 127.0.0.2} is
 * an untrusted address. The last test stops it with {@code down}.
 */
@NeedsRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScriptIT {

    private static final Pattern STARTED = Pattern.compile("(\\S+) started, pid (\\d+)");
    /** A CSRF token of the app's form: the cookie and the field only have to match. */
    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz012345";

    private static SelfSignedCertificate certificate;
    private static ClusterScript cluster;

    @BeforeAll
    static void up() throws Exception {
        certificate = SelfSignedCertificate.make(Path.of("target", "it-cluster-script-tls").toAbsolutePath());
        cluster = ClusterScript.up("it-cluster-script", List.of("--redis-cluster"),
                Map.of("LB_TLS_CERT", certificate.certificate().toString(),
                        "LB_TLS_KEY", certificate.key().toString(),
                        "TRUSTED_PROXIES", "127\\.0\\.0\\.1"));
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void login_throughTheTlsListener_sessionCookiesSecureAndSentBack() throws Exception {
        WebClient browser = new WebClient(certificate.trustingContext());

        HttpResponse<String> form = browser.get(cluster.tlsUrl("/login"));
        assertEquals(List.of("CSRF"), secureCookies(form), form.headers().allValues("Set-Cookie").toString());
        HttpResponse<String> login = browser.post(cluster.tlsUrl("/login"),
                Map.of("email", "tls@example.com", "csrf", browser.cookie("CSRF")));

        assertEquals(303, login.statusCode());
        assertEquals(List.of("SESSION", "SESSION_V"), secureCookies(login),
                login.headers().allValues("Set-Cookie").toString());
        HttpResponse<String> welcome = browser.get(cluster.tlsUrl("/"));
        assertEquals(200, welcome.statusCode());
        assertEquals("tls@example.com", WebClient.email(welcome));
    }

    @Test
    @Order(2)
    void login_throughThePlainListener_noSecureCookies() throws Exception {
        WebClient browser = new WebClient();

        browser.get(cluster.url("/login"));
        HttpResponse<String> login = browser.post(cluster.url("/login"),
                Map.of("email", "plain@example.com", "csrf", browser.cookie("CSRF")));

        assertEquals(303, login.statusCode());
        assertTrue(login.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("SESSION=")));
        assertEquals(List.of(), secureCookies(login), login.headers().allValues("Set-Cookie").toString());
    }

    @Test
    @Order(3)
    void forwardedProtoHttps_fromTrustedAddress_secure_fromUntrustedAddress_ignored() throws Exception {
        int node = Integer.parseInt(cluster.nodePort(1));
        String form = "email=forwarded%40example.com&csrf=" + TOKEN;
        String login = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                + "Cookie: CSRF=" + TOKEN + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\nConnection: close\r\n\r\n" + form;

        String trusted = RawRequest.head("127.0.0.1", node, login);
        String untrusted = RawRequest.head("127.0.0.2", node, login);

        assertTrue(trusted.startsWith("HTTP/1.1 303"), trusted);
        assertTrue(trusted.contains("Set-Cookie: SESSION=") && trusted.contains("SameSite=Lax; Secure"), trusted);
        assertTrue(untrusted.startsWith("HTTP/1.1 303"), untrusted);
        assertTrue(untrusted.contains("Set-Cookie: SESSION="), untrusted);
        assertFalse(untrusted.contains("Secure"), untrusted);
    }

    @Test
    @Order(4)
    void unknownCommandOrOption_refusedWithUsage_nothingStopped() throws Exception {
        Map<String, Long> before = cluster.recordedProcesses();
        for (List<String> arguments : List.of(List.of("down", "--force"), List.of("status", "-v"),
                List.of("up", "--tls"), List.of("stop"))) {
            ClusterScript.Outcome outcome = cluster.run(Map.of(), arguments.toArray(String[]::new));

            assertEquals(2, outcome.exitCode(), arguments + ": " + outcome.output());
            String offending = arguments.get(arguments.size() - 1);
            assertTrue(outcome.output().contains("'" + offending + "'"), arguments + ": " + outcome.output());
            assertTrue(outcome.output().contains("usage: "), arguments + ": " + outcome.output());
        }
        assertEquals(before, cluster.recordedProcesses());
        before.values().forEach(pid -> assertTrue(alive(pid), "still running: " + pid));
    }

    @Test
    @Order(5)
    void up_whileUp_refusedAndTheRunningSetUntouched() throws Exception {
        Map<String, Long> before = cluster.recordedProcesses();

        ClusterScript.Outcome second = cluster.run(Map.of(), "up", "--redis-cluster");

        assertEquals(1, second.exitCode(), second.output());
        assertTrue(second.output().contains("already running: redis-"), second.output());
        assertTrue(second.output().contains("nginx (pid " + before.get("nginx") + "); run '"), second.output());
        assertTrue(second.output().contains(" down' first"), second.output());
        assertEquals(before, cluster.recordedProcesses());
        before.values().forEach(pid -> assertTrue(alive(pid), "still running: " + pid));
        assertEquals(200, new WebClient().get(cluster.url("/health")).statusCode());
    }

    @Test
    @Order(6)
    void up_nodePortBusy_failsAndStopsWhatItStarted() throws Exception {
        ClusterScript busy = ClusterScript.prepare("it-cluster-script-busy", Map.of());
        busy.shareTomcatOf(cluster);
        ClusterScript.Outcome outcome;
        try (ServerSocket taken = new ServerSocket(Integer.parseInt(busy.nodePort(2)), 1,
                InetAddress.getLoopbackAddress())) {
            outcome = busy.run(Map.of(), "up");
        }

        assertEquals(1, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("node2 (pid "), outcome.output());
        assertTrue(outcome.output().contains("up failed: stopping what it started"), outcome.output());
        List<Long> started = started(outcome.output());
        assertEquals(2, started.size(), outcome.output());
        assertTrue(outcome.output().contains("stopped node1 (pid " + started.get(0) + ")"), outcome.output());
        started.forEach(pid -> assertFalse(alive(pid), "left running: " + pid));
        assertEquals(Map.of(), busy.recordedProcesses());
        ClusterScript.Outcome down = busy.run(Map.of(), "down");
        assertEquals(0, down.exitCode(), down.output());
        assertTrue(down.output().contains("nothing to stop"), down.output());
    }

    @Test
    @Order(7)
    void down_redisClusterPortsChangedSinceUp_stopsExactlyTheRecordedProcesses() throws Exception {
        Map<String, Long> recorded = cluster.recordedProcesses();
        assertEquals(6, recorded.size(), recorded.toString());
        int otherPort = cluster.redisClusterPort(0) + 1000;

        ClusterScript.Outcome down = cluster.run(Map.of("REDIS_CLUSTER_PORTS", String.valueOf(otherPort)), "down");

        assertEquals(0, down.exitCode(), down.output());
        recorded.forEach((name, pid) -> {
            assertTrue(down.output().contains("stopped " + name + " (pid " + pid + ")"), down.output());
            assertFalse(alive(pid), name + " left running: " + pid);
        });
        assertEquals(Map.of(), cluster.recordedProcesses());
    }

    /** The names of the cookies a response sets with {@code Secure}, in order. */
    private static List<String> secureCookies(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.contains("; Secure"))
                .map(cookie -> cookie.substring(0, cookie.indexOf('=')))
                .toList();
    }

    /** The pids of the processes the script said it started. */
    private static List<Long> started(String output) {
        List<Long> pids = new ArrayList<>();
        Matcher matcher = STARTED.matcher(output);
        while (matcher.find()) {
            pids.add(Long.parseLong(matcher.group(2)));
        }
        return pids;
    }

    /**
     * Whether the process runs: a stopped one may linger as a zombie until its new parent reaps it, which
     * {@link ProcessHandle#isAlive()} counts as alive.
     */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
