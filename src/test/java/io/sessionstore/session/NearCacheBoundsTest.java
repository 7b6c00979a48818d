package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.TwoNodes.Node;
import io.sessionstore.testing.FaultyProxy;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a node's near cache can serve a session that Redis no longer holds as cached: after a logout on the other
 * node (never, once the logout's response is sent), after a change no node announced (an operator's {@code DEL}, a
 * {@code FLUSHALL}), and while node B's link to Redis is held, drops bytes or is reset (at most two housekeeping
 * intervals, 1 s by default: every cached copy is used only while Redis confirmed its version within that time);
 * and how soon B is back once its link heals. Two nodes on a Redis of this test's own, so that {@code FLUSHALL}
 * touches nobody else, B through a {@link FaultyProxy}; requests replay a browser's cookies (the session and its
 * version cookie), as an attacker with a stolen cookie would, so that the near cache answers them.
 */
@NeedsRedis
class NearCacheBoundsTest {

    private static final long BOUND_MILLIS = 1_000;

    private static final long RECOVERY_MILLIS = 2_000;

    private static PrivateRedis server;
    private static FaultyProxy proxy;
    private static RespClient redis;
    private static String prefix;
    private static Node a;
    private static Node b;

    private final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = PrivateRedis.start();
        redis = server.client();
        proxy = FaultyProxy.start(server.url());
        prefix = TestRedis.uniquePrefix("bounds");
        SessionSettings settings = SessionSettings.builder().redisUrl(server.url()).keyPrefix(prefix).build();
        a = new Node(settings);
        b = new Node(settings.toBuilder().redisUrl(proxy.url()).build());
    }

    /**
     * Heals the link and waits until node B works again: a fault leaves B replacing its connections for a while, and
     * the next test's first requests must not meet that.
     */
    @AfterEach
    void healLink() throws Exception {
        proxy.heal();
        recovered(null);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, proxy, redis, server}) {
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
    void del_sessionIdleOnANode_itsFirstRequestOneBoundLaterFindsNoSession() throws Exception {
        String cookies = cachedOnBothNodes("dave");
        // Idle for longer than the bound: the copies are kept confirmed by the nodes' version lookups since.
        Thread.sleep(BOUND_MILLIS + 500 + 300);

        redis.call("DEL", key(cookies));
        Thread.sleep(BOUND_MILLIS);

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

            assertEquals(200, request(loggingOut, "/invalidate", cookies).statusCode());
            served += replay(other, cookies).statusCode() == 200 ? 1 : 0;
        }
        assertEquals(0, served, "trials in which the other node served the logged-out session");
    }

    @Test
    void hold_bCutOffFromRedisThenALogoutOnA_bServesItAtMostOneSecondAndIsBackWithinTwoOfHealingUnderTraffic()
            throws Exception {
        String cookies = cachedOnBothNodes("erin");
        proxy.hold();
        long heldAt = System.nanoTime();
        assertEquals(200, request(a, "/invalidate", cookies).statusCode());

        long lastServed = 0;
        while (System.nanoTime() - heldAt < 3_000_000_000L) {
            long sent = System.nanoTime();
            int status = request(b, "/attrs", cookies).statusCode();
            assertTrue(status == 200 || status == 503, "status " + status);
            if (status == 200) {
                lastServed = (sent - heldAt) / 1_000_000;
            }
        }
        proxy.heal();
        long healedAt = System.nanoTime();
        long recovered = recovered(cookies);

        System.out.printf("Link held: logged-out session served by the cut-off node until %d ms after the cut, back"
                + " %d ms after healing (requests all along)%n", lastServed, (recovered - healedAt) / 1_000_000);
        assertTrue(lastServed < BOUND_MILLIS, "served " + lastServed + " ms after the link was cut");
        assertTrue(recovered - healedAt < RECOVERY_MILLIS * 1_000_000, "back "
                + (recovered - healedAt) / 1_000_000 + " ms after healing");
    }

    @Test
    void hold_bCutOffWithoutTraffic_backWithinTwoSecondsOfHealing() throws Exception {
        String cookies = cachedOnBothNodes("frank");
        proxy.hold();
        assertEquals(200, request(a, "/invalidate", cookies).statusCode());
        Thread.sleep(3_000);
        String fresh = createdOnA("fresh");
        proxy.heal();
        Thread.sleep(RECOVERY_MILLIS);

        assertTrue(bWorks(fresh, cookies), "the first requests after healing work");
    }

    @Test
    void dropReplies_bsRepliesLostUnderTraffic_neverAnotherSessionsDataAndBackWithinTwoSeconds() throws Exception {
        String gina = cachedOnBothNodes("gina");
        String hugo = cachedOnBothNodes("hugo");
        proxy.dropReplies();
        long droppedAt = System.nanoTime();
        while (System.nanoTime() - droppedAt < 2_000_000_000L) {
            assertOwnOrUnavailable(b, gina, "gina");
            assertOwnOrUnavailable(b, hugo, "hugo");
        }
        proxy.heal();
        long healedAt = System.nanoTime();
        long recovered = recovered(null);
        for (int i = 0; i < 50; i++) {
            assertOwnOrUnavailable(b, gina, "gina");
            assertOwnOrUnavailable(b, hugo, "hugo");
        }
        System.out.printf("Replies dropped: back %d ms after healing%n", (recovered - healedAt) / 1_000_000);
        assertTrue(recovered - healedAt < RECOVERY_MILLIS * 1_000_000, "back "
                + (recovered - healedAt) / 1_000_000 + " ms after healing");
    }

    @Test
    void reset_bsConnectionsResetUnderTraffic_backWithinTwoSeconds() throws Exception {
        cachedOnBothNodes("iris");
        proxy.reset();
        long resetAt = System.nanoTime();
        long recovered = recovered(null);
        System.out.printf("Connections reset: back %d ms later%n", (recovered - resetAt) / 1_000_000);
        assertTrue(recovered - resetAt < RECOVERY_MILLIS * 1_000_000, "back "
                + (recovered - resetAt) / 1_000_000 + " ms after the reset");
    }

    /**
     * Polls node B every 50 ms, for up to 10 s, until it {@linkplain #bWorks works}.
     *
     * @return {@code System.nanoTime()} when it first did
     */
    private long recovered(String loggedOut) throws Exception {
        String fresh = createdOnA("fresh");
        long start = System.nanoTime();
        while (!bWorks(fresh, loggedOut)) {
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "node B back within 10 s");
            Thread.sleep(50);
        }
        return System.nanoTime();
    }

    /**
     * Whether node B works with Redis: it loads {@code fresh}, a session it has never seen, and finds no session for
     * {@code loggedOut} (null: not checked).
     */
    private boolean bWorks(String fresh, String loggedOut) throws Exception {
        HttpResponse<String> page = request(b, "/attrs", fresh);
        return page.statusCode() == 200 && page.body().startsWith("user=")
                && (loggedOut == null || request(b, "/attrs", loggedOut).statusCode() == 404);
    }

    private void assertOwnOrUnavailable(Node node, String cookies, String user) throws Exception {
        HttpResponse<String> page = request(node, "/attrs", cookies);
        assertTrue(page.statusCode() == 503 || page.statusCode() == 200 && page.body().equals("user=" + user + "\n"),
                "status " + page.statusCode() + ", body " + page.body());
    }

    /** A session made on A and read on both nodes (cached there); its cookies as {@code SESSION=..; SESSION_V=..}. */
    private String cachedOnBothNodes(String user) throws Exception {
        String cookies = createdOnA(user);
        for (Node node : List.of(a, b, a, b)) {
            HttpResponse<String> page = replay(node, cookies);
            assertEquals(200, page.statusCode());
            assertEquals("user=" + user + "\n", page.body());
        }
        return cookies;
    }

    /** A session made on A with the attribute {@code user}; its cookies. */
    private String createdOnA(String user) throws Exception {
        WebClient browser = new WebClient();
        assertEquals(200, browser.get(a.url("/attr?name=user&value=" + user)).statusCode());
        return "SESSION=" + browser.cookie("SESSION") + "; SESSION_V=" + browser.cookie("SESSION_V");
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
        return request(node, "/attrs", cookies);
    }

    private HttpResponse<String> request(Node node, String path, String cookies) throws Exception {
        return raw.send(HttpRequest.newBuilder(URI.create(node.url(path))).timeout(Duration.ofSeconds(10))
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
