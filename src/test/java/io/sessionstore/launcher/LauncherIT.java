package io.sessionstore.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RawRequest;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar target/session-store.jar}, as the README runs it. */
@NeedsRedis
class LauncherIT {

    private static final Pattern RUNNING = Pattern.compile("session-store is running at (http://\\S+/)");

    @Test
    void javaJar_redisUp_servesTheLoginFlowLogsEachRequestAndStopsCleanly() throws Exception {
        String prefix = TestRedis.uniquePrefix("launcher");
        Process app = launch(Map.of("PORT", "0", "REDIS_URL", TestRedis.url(), "KEY_PREFIX", prefix));
        List<String> output = collected(app.getInputStream());
        List<String> errors = collected(app.getErrorStream());
        try (RespClient redis = new RespClient(TestRedis.url())) {
            Poll.until(Duration.ofSeconds(60), "the launcher's first line", () -> !output.isEmpty());
            Matcher running = RUNNING.matcher(output.get(0));
            assertTrue(running.find(), "first line names the URL: " + output.get(0));
            String base = running.group(1);

            WebClient browser = new WebClient();
            browser.get(base + "login");
            HttpResponse<String> login = browser.post(base + "login",
                    Map.of("email", "launcher@example.com", "csrf", browser.cookie("CSRF")));
            assertEquals(303, login.statusCode());
            HttpResponse<String> welcome = browser.get(base);
            assertEquals(200, welcome.statusCode());
            assertEquals("launcher@example.com", WebClient.email(welcome));
            assertEquals(1, WebClient.visits(welcome));
            redis.deleteKeys(prefix);

            Pattern welcomeLine = Pattern.compile("^127\\.0\\.0\\.1 \\[[^]]+] \"GET / HTTP/1\\.1\" 200 \\d+ \\d+ms$");
            Poll.until(Duration.ofSeconds(10), "an access log line for each request", () -> output.stream()
                    .anyMatch(line -> welcomeLine.matcher(line).matches()));
            assertTrue(output.stream().anyMatch(line -> line.contains("\"POST /login HTTP/1.1\" 303 ")), output.toString());
        } finally {
            app.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the streams before the last lines
            assertTrue(app.waitFor(20, TimeUnit.SECONDS), "the launcher stops on SIGTERM");
        }
        Thread.sleep(200); // the last lines the readers take
        assertEquals(List.of(), errors.stream().filter(line -> line.contains("SEVERE")).toList(),
                "a clean stop: no leak reported");
    }

    /** The lines of {@code stream}, as a thread of their own reads them. */
    private static List<String> collected(InputStream stream) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))
                .lines().forEach(lines::add), "launcher-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    @Test
    void javaJar_redisDown_exitsWithOneClearLine() throws Exception {
        int closedPort = freePort();
        Process app = launch(Map.of("PORT", "0", "REDIS_URL", "redis://127.0.0.1:" + closedPort));
        assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the launcher gives up quickly");
        assertEquals(1, app.exitValue());
        List<String> lines = errorLines(app);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).contains("Cannot reach Redis at redis://127.0.0.1:" + closedPort), lines.get(0));
        assertTrue(lines.get(0).contains("redis-server"), "says how to start Redis: " + lines.get(0));
    }

    @Test
    void javaJar_redisStopsAndComesBack_oneLineForEach() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start()) {
            Process app = launch(Map.of("PORT", "0", "REDIS_URL", redis.url(), "ACCESS_LOG", "off"));
            List<String> output = collected(app.getInputStream());
            List<String> errors = collected(app.getErrorStream());
            try {
                Poll.until(Duration.ofSeconds(60), "the launcher's first line", () -> !output.isEmpty());
                Matcher running = RUNNING.matcher(output.get(0));
                assertTrue(running.find(), output.get(0));
                String base = running.group(1);
                WebClient browser = new WebClient();
                assertEquals(200, browser.get(base + "login").statusCode());

                redis.stop();
                for (int i = 0; i < 3; i++) {
                    assertEquals(503, browser.get(base + "health").statusCode());
                }
                redis.restart();
                Poll.until(Duration.ofSeconds(20), "the line of Redis answering again", () ->
                        browser.get(base + "health").statusCode() == 200
                                && errors.stream().anyMatch(line -> line.contains(" answers again, ")));
                assertEquals(1, errors.stream().filter(line -> line.contains("Cannot reach Redis at " + redis.url()))
                        .count(), errors.toString());
                assertEquals(1, errors.stream().filter(line -> line.contains("Redis at " + redis.url()
                        + " answers again, ")).count(), errors.toString());
            } finally {
                app.toHandle().destroy();
                assertTrue(app.waitFor(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void javaJar_accessLogNeitherOnNorOff_exitsWithOneClearLine() throws Exception {
        Process app = launch(Map.of("PORT", "0", "ACCESS_LOG", "yes please"));
        assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        assertEquals(List.of("session-store: ACCESS_LOG must be 'on' or 'off', not 'yes please'"), errorLines(app));
    }

    @Test
    void javaJar_badSetting_exitsWithOneClearLine() throws Exception {
        Process app = launch(Map.of("PORT", "0", "REDIS_URL", TestRedis.url(), "SESSION_TIMEOUT_SECONDS", "soon"));
        assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        List<String> lines = errorLines(app);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).contains("SESSION_TIMEOUT_SECONDS"), lines.get(0));
    }

    @Test
    void javaJar_copiedWithoutItsLib_exitsWithOneLineNamingWhatIsMissingAndWhere(@TempDir Path alone)
            throws Exception {
        Files.copy(Path.of("target/session-store.jar"), alone.resolve("session-store.jar"));
        Files.copy(Path.of("target/session-store.war"), alone.resolve("session-store.war"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process app = new ProcessBuilder(java, "-jar", alone.resolve("session-store.jar").toString()).start();
        assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        List<String> lines = errorLines(app);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).startsWith("session-store: embedded Tomcat is missing"), lines.get(0));
        assertTrue(lines.get(0).contains(alone.resolve("lib").toString()), lines.get(0));
    }

    @Test
    void javaJar_bindAddressThatDoesNotResolveOrIsNotThisMachines_exitsWithOneLineNamingIt() throws Exception {
        for (String address : new String[] {"no-such-host.invalid", "192.0.2.1"}) {
            Process app = launch(Map.of("PORT", "0", "REDIS_URL", TestRedis.url(), "BIND_ADDRESS", address));
            assertTrue(app.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, app.exitValue());
            List<String> lines = errorLines(app);
            assertEquals(1, lines.size(), "one line: " + lines);
            assertTrue(lines.get(0).startsWith("session-store: BIND_ADDRESS: '" + address + "'"), lines.get(0));
        }
    }

    @Test
    void javaJar_badPort_exitsWithOneClearLine() throws Exception {
        Process app = launch(Map.of("PORT", "eighty"));
        assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        assertEquals(List.of("session-store: PORT must be a number from 0 to 65535, not 'eighty'"), errorLines(app));
    }

    @Test
    void javaJar_trustedProxies_forwardedHttpsMakesCookiesSecureFromThemOnly() throws Exception {
        Process app = launch(Map.of("PORT", "0", "REDIS_URL", TestRedis.url(), "TRUSTED_PROXIES", "127\\.0\\.0\\.1"));
        try {
            String firstLine = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher running = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(String.valueOf(firstLine));
            assertTrue(running.find(), "first line names the URL: " + firstLine);
            int port = Integer.parseInt(running.group(1));
            String form = "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                    + "Connection: close\r\n\r\n";

            String trusted = RawRequest.head("127.0.0.1", port, form);
            String untrusted = RawRequest.head("127.0.0.2", port, form);

            assertTrue(trusted.contains("Set-Cookie: CSRF=") && trusted.contains("SameSite=Strict; Secure"), trusted);
            assertTrue(untrusted.contains("Set-Cookie: CSRF="), untrusted);
            assertFalse(untrusted.contains("Secure"), untrusted);
        } finally {
            app.destroy();
            assertTrue(app.waitFor(20, TimeUnit.SECONDS), "the launcher stops on SIGTERM");
        }
    }

    @Test
    void javaJar_trustedProxiesNotARegularExpression_exitsWithOneClearLine() throws Exception {
        Process app = launch(Map.of("PORT", "0", "TRUSTED_PROXIES", "10\\.0\\.1\\.(10"));
        assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        List<String> lines = errorLines(app);
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).startsWith("session-store: TRUSTED_PROXIES must be a regular expression"),
                lines.get(0));
        assertTrue(lines.get(0).endsWith("in '10\\.0\\.1\\.(10'"), lines.get(0));
    }

    private static Process launch(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", "target/session-store.jar");
        builder.environment().remove("REDIS_URL");
        builder.environment().remove("REDISSON_CONFIG");
        builder.environment().remove("TRUSTED_PROXIES");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static List<String> errorLines(Process app) throws IOException {
        return new String(app.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
