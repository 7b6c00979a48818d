package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.TwoNodes.Node;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's command, against two application nodes with near caches on one Redis. */
@NeedsRedis
class PrincipalSessionsCommandTest {

    private static Node a;
    private static Node b;
    private static String prefix;
    private static Map<String, String> environment;

    @BeforeAll
    static void start() throws Exception {
        prefix = TestRedis.uniquePrefix("principal-command");
        environment = Map.of("REDIS_URL", TestRedis.url(), "KEY_PREFIX", prefix,
                "SESSION_PRINCIPAL_ATTRIBUTE", "email"); // the applications' setting; the command needs none
        SessionSettings settings = SessionSettings.read(environment::get);
        a = new Node(settings);
        b = new Node(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(prefix);
        }
    }

    @Test
    void listThenLogout_sessionsInUseOnBothNodes_listedThenEndedAtTheirNextRequest() throws Exception {
        WebClient onA = new WebClient();
        WebClient onB = new WebClient();
        String first = onA.get(a.url("/attr?name=email&value=lee@example.com")).body();
        String second = onB.get(b.url("/attr?name=email&value=lee@example.com")).body();
        assertEquals(200, onA.get(a.url("/attrs")).statusCode());
        assertEquals(200, onB.get(b.url("/attrs")).statusCode());

        Result list = run("list", "lee@example.com");
        assertEquals(0, list.status, list.err);
        assertEquals(2, list.out.lines().count(), list.out);
        assertTrue(list.out.contains(first + " created ") && list.out.contains(second + " created "), list.out);

        Result logout = run("logout", "lee@example.com");
        assertEquals(0, logout.status, logout.err);
        assertEquals("2 sessions of lee@example.com ended\n", logout.out);
        assertEquals(404, onA.get(a.url("/attrs")).statusCode());
        assertEquals(404, onB.get(b.url("/attrs")).statusCode());
    }

    @Test
    void logoutOne_endsThatSessionOnly() throws Exception {
        WebClient kept = new WebClient();
        WebClient ended = new WebClient();
        kept.get(a.url("/attr?name=email&value=max@example.com"));
        String id = ended.get(b.url("/attr?name=email&value=max@example.com")).body();

        Result logout = run("logout", "max@example.com", id);

        assertEquals("1 session of max@example.com ended\n", logout.out);
        assertEquals(404, ended.get(a.url("/attrs")).statusCode());
        assertEquals(200, kept.get(b.url("/attrs")).statusCode());
    }

    @Test
    void badUsageOrSettings_oneLineAndAnExitStatus() {
        Result usage = run("drop", "x");
        assertEquals(2, usage.status);
        assertTrue(usage.err.startsWith("usage: "), usage.err);

        Result emptyId = run("logout", "x", "");
        assertEquals(2, emptyId.status, "an empty id never means every session");

        Result noPrefix = PrincipalSessionsCommandTest.run(Map.of("REDIS_URL", TestRedis.url()), "list", "x");
        assertEquals(1, noPrefix.status);
        assertTrue(noPrefix.err.startsWith("session-store: set KEY_PREFIX to the application's key prefix"),
                noPrefix.err);

        Result nobody = run("list", "nobody@example.com");
        assertEquals(0, nobody.status);
        assertEquals("No sessions of nobody@example.com under the key prefix " + prefix + "\n", nobody.out);

        Result badUrl = PrincipalSessionsCommandTest.run(Map.of("REDIS_URL", "localhost:6379", "KEY_PREFIX", "p:"),
                "list", "x");
        assertEquals(1, badUrl.status);
        assertTrue(badUrl.err.startsWith("session-store: REDIS_URL: "), badUrl.err);
        assertEquals(1, badUrl.err.lines().count(), badUrl.err);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        return run(environment, args);
    }

    private static Result run(Map<String, String> settings, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PrincipalSessionsCommand.run(args, settings::get, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
