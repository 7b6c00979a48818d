package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.TwoNodes.Node;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a node's near cache can serve a session that Redis no longer holds as cached, when no node announced the
 * change: an operator's {@code DEL}, a {@code FLUSHALL}. The bound is two housekeeping intervals (1 s by default):
 * every cached copy is used only while Redis confirmed its version within that time. Two nodes on a Redis of this
 * test's own, so that {@code FLUSHALL} touches nobody else; requests replay a browser's cookies (the session and its
 * version cookie), as an attacker with a stolen cookie would, so that the near cache answers them.
 */
@NeedsRedis
class NearCacheBoundsTest {

    private static final long BOUND_MILLIS = 1_000;

    private static PrivateRedis server;
    private static RespClient redis;
    private static String prefix;
    private static Node a;
    private static Node b;

    private final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = PrivateRedis.start();
        redis = server.client();
        prefix = TestRedis.uniquePrefix("bounds");
        SessionSettings settings = SessionSettings.builder().redisUrl(server.url()).keyPrefix(prefix).build();
        a = new Node(settings);
        b = new Node(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis, server}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void del_sessionKeyDeletedByAnOperatorWhileInUse_noNodeServesItOneSecondLater() throws Exception {
        String cookies = cachedOnBothNodes("carol");

        long servedAfter = servedAfter(List.of(cookies), () -> redis.call("DEL", key(cookies)));

        System.out.printf("DEL of a session in use: served from a near cache for %d ms after it%n", servedAfter);
        assertTrue(servedAfter < BOUND_MILLIS, "served " + servedAfter + " ms after the DEL");
    }

    @Test
    void flushAll_sessionsInUse_noNodeServesAnyOneSecondLater() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sessions.add(cachedOnBothNodes("user" + i));
        }

        long servedAfter = servedAfter(sessions, () -> redis.call("FLUSHALL"));

        System.out.printf("FLUSHALL: sessions in use served from a near cache for %d ms after it%n", servedAfter);
        assertTrue(servedAfter < BOUND_MILLIS, "served " + servedAfter + " ms after the FLUSHALL");
    }

    @Test
    void del_sessionIdleOnANode_itsFirstRequestAfterwardsFindsNoSession() throws Exception {
        String cookies = cachedOnBothNodes("dave");
        // The last requests' touches, sent within one housekeeping interval (500 ms), confirmed the copies last.
        Thread.sleep(BOUND_MILLIS + 500 + 300);

        redis.call("DEL", key(cookies));

        assertEquals(404, replay(a, cookies).statusCode());
        assertEquals(404, replay(b, cookies).statusCode());
    }

    /**
     * A logout on one node, then its old cookies replayed at once on the other, whose near cache holds the session:
     * never served, because the logout's response waits until the other node's cache dropped it.
     */
    @Test
    void invalidate_oldCookiesReplayedOnTheOtherNodeRightAfterTheResponse_never200In200Trials() throws Exception {
        int served = 0;
        for (int trial = 0; trial < 200; trial++) {
            Node loggingOut = trial % 2 == 0 ? a : b;
            Node other = loggingOut == a ? b : a;
            String cookies = cachedOnBothNodes("trial" + trial);

            HttpResponse<String> logout = raw.send(HttpRequest.newBuilder(URI.create(loggingOut.url("/invalidate")))
                    .header("Cookie", cookies).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, logout.statusCode());
            served += replay(other, cookies).statusCode() == 200 ? 1 : 0;
        }
        assertEquals(0, served, "trials in which the other node served the logged-out session");
    }

    /** A session made on A and read on both nodes (cached there); its cookies as {@code SESSION=..; SESSION_V=..}. */
    private String cachedOnBothNodes(String user) throws Exception {
        WebClient browser = new WebClient();
        assertEquals(200, browser.get(a.url("/attr?name=user&value=" + user)).statusCode());
        String cookies = "SESSION=" + browser.cookie("SESSION") + "; SESSION_V=" + browser.cookie("SESSION_V");
        for (Node node : List.of(a, b, a, b)) {
            HttpResponse<String> page = replay(node, cookies);
            assertEquals(200, page.statusCode());
            assertEquals("user=" + user + "\n", page.body());
        }
        return cookies;
    }

    /**
     * Replays each session's cookies on both nodes in turn, every 10 ms, for 300 ms before {@code change} and
     * {@code 2 x BOUND_MILLIS} after it.
     *
     * @return how long after the change a request was last answered with the session, in milliseconds (0 if never)
     */
    private long servedAfter(List<String> sessions, Change change) throws Exception {
        long changedAt = 0;
        long lastServed = 0;
        long start = System.nanoTime();
        for (int round = 0; ; round++) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (changedAt == 0 && elapsed >= 300) {
                change.run();
                changedAt = System.nanoTime();
            }
            if (changedAt != 0 && System.nanoTime() - changedAt > 2 * BOUND_MILLIS * 1_000_000) {
                break;
            }
            long sent = System.nanoTime();
            for (String cookies : sessions) {
                int status = replay(round % 2 == 0 ? a : b, cookies).statusCode();
                assertTrue(status == 200 || status == 404, "status " + status);
                if (status == 200 && changedAt != 0) {
                    lastServed = Math.max(lastServed, (sent - changedAt) / 1_000_000);
                }
                if (status == 404) {
                    assertTrue(changedAt != 0, "the session was there before the change");
                }
            }
            Thread.sleep(10);
        }
        return lastServed;
    }

    private HttpResponse<String> replay(Node node, String cookies) throws Exception {
        return raw.send(HttpRequest.newBuilder(URI.create(node.url("/attrs"))).timeout(Duration.ofSeconds(10))
                .header("Cookie", cookies).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String key(String cookies) {
        return prefix + "session:{" + cookies.substring("SESSION=".length(), cookies.indexOf(';')) + "}";
    }

    @FunctionalInterface
    private interface Change {
        void run() throws Exception;
    }
}
