package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.TwoNodes.Node;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two Tomcats sharing one Redis and one key prefix; a browser (one cookie jar) talking to both. */
@NeedsRedis
class SessionFilterTwoNodesTest {

    private static String prefix;
    private static Node a;
    private static Node b;
    private static RespClient redis;

    /** One browser: its cookies go to both nodes, as behind a load balancer. */
    private final WebClient browser = new WebClient();
    /** Requests that carry a cookie chosen by the test rather than a cookie jar's. */
    private final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        prefix = TestRedis.uniquePrefix("two-nodes");
        redis = new RespClient(TestRedis.url());
        a = new Node(prefix);
        b = new Node(prefix);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            if (redis != null) {
                redis.deleteKeys(prefix);
                redis.close();
            }
        }
    }

    @Test
    void attrs_sessionCreatedOnA_readAndChangedOnB() throws Exception {
        String id = createSessionOn(a, "user", "carol");
        assertEquals(id, browser.cookie("SESSION"));

        HttpResponse<String> onB = browser.get(b.url("/attrs"));
        assertEquals(200, onB.statusCode());
        assertEquals("user=carol\n", onB.body());

        assertEquals(id, browser.get(b.url("/attr?name=cart&value=3")).body());
        assertEquals("cart=3\nuser=carol\n", browser.get(a.url("/attrs")).body());
        assertEquals(id, browser.cookie("SESSION"), "the id never changed");
    }

    @Test
    void timeout_sessionUsedOnBothNodes_destroyedOnceAcrossThemWithinFiveSeconds() throws Exception {
        String id = browser.get(a.url("/timeout?seconds=2")).body();
        browser.get(b.url("/attrs")); // cached on both nodes now
        browser.get(a.url("/attrs"));
        long lastRequest = System.nanoTime();

        Poll.until(Duration.ofSeconds(8), "the session destroyed on one node", () ->
                a.destroyed.contains(id) || b.destroyed.contains(id));
        long afterMillis = (System.nanoTime() - lastRequest) / 1_000_000;
        Thread.sleep(2_000); // later sweeps on either node: nobody tells of it again

        long told = a.destroyed.stream().filter(id::equals).count() + b.destroyed.stream().filter(id::equals).count();
        assertEquals(1, told, "sessionDestroyed across both nodes");
        assertTrue(afterMillis >= 2_000 && afterMillis <= 2_000 + 5_000, "told " + afterMillis + " ms after the "
                + "last request, timeout 2 s");
        assertEquals(404, browser.get(a.url("/attrs")).statusCode());
        assertEquals(404, withCookie(b, "/attrs", id).statusCode());
        assertEquals(0, redis.number("EXISTS", key(id)), "removed from Redis");
    }

    @Test
    void timeout_sessionUsedFromTheNearCacheOnly_keptAliveByTheBackgroundTouches() throws Exception {
        String id = browser.get(a.url("/timeout?seconds=2")).body();
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < 5_000) {
            assertEquals(200, browser.get(a.url("/attrs")).statusCode(), "alive while used");
            Thread.sleep(300);
        }
        assertEquals(200, browser.get(b.url("/attrs")).statusCode(), "the other node finds it alive too");
        assertTrue(!a.destroyed.contains(id) && !b.destroyed.contains(id), "never destroyed while used");
    }

    /**
     * The previous request went to the other node, and this node serves the session from its near cache: the last
     * access is still the previous request's (Servlet 6.1, section 7.6), within the 500 ms its node takes to pass
     * accesses on.
     */
    @Test
    void lastAccess_previousRequestsOnTheOtherNode_shownByANodeServingFromItsNearCache() throws Exception {
        browser.get(a.url("/attr?name=k&value=v"));
        assertNotEquals("none", browser.get(a.url("/last-access")).body(), "node A holds the session now");
        long lastOnB = 0;
        for (int i = 0; i < 3; i++) {
            Thread.sleep(300);
            lastOnB = System.currentTimeMillis();
            assertEquals(200, browser.get(b.url("/attrs")).statusCode());
        }
        Thread.sleep(1_200); // node B passes its accesses on in the background
        long shownByA = Long.parseLong(browser.get(a.url("/last-access")).body());
        assertTrue(shownByA >= lastOnB - 50 && shownByA <= lastOnB + 1_000,
                "last access shown " + (shownByA - lastOnB) + " ms from the last request, on the other node");
    }

    @Test
    void invalidate_onB_aSeesNoSessionAtOnce() throws Exception {
        String id = createSessionOn(a, "user", "carol");

        assertEquals(200, browser.get(b.url("/invalidate")).statusCode());

        assertEquals(0, redis.number("EXISTS", key(id)));
        assertNull(browser.cookie("SESSION"), "B's answer removes the cookie");
        assertEquals(404, browser.get(a.url("/attrs")).statusCode());
        assertEquals(404, withCookie(a, "/attrs", id).statusCode(), "A does not know the old id either");
    }

    @Test
    void rotate_onA_bFindsSessionUnderNewIdOnly() throws Exception {
        String oldId = createSessionOn(a, "user", "carol");

        String newId = browser.get(a.url("/rotate")).body();

        assertNotEquals(oldId, newId);
        assertEquals(newId, browser.cookie("SESSION"));
        assertEquals("user=carol\n", browser.get(b.url("/attrs")).body());
        assertEquals(404, withCookie(b, "/attrs", oldId).statusCode());
        assertEquals(0, redis.number("EXISTS", key(oldId)));
    }

    @Test
    void attrCount_8threadsX200RequestsAcrossBothNodes_noLostAttributeAndNoLostIncrement() throws Exception {
        String id = createSessionOn(a, "init", "1");
        int threads = 8;
        int requests = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int value = 0; value < requests; value++) {
                        Node node = (thread + value) % 2 == 0 ? a : b;
                        HttpResponse<String> response =
                                browser.get(node.url("/attr-count?name=t" + thread + "&value=" + value));
                        assertEquals(200, response.statusCode());
                        assertEquals(id, response.body(), "every request works on the one session");
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        StringBuilder expected = new StringBuilder("init=1\n");
        for (int t = 0; t < threads; t++) {
            expected.append("t").append(t).append("=").append(requests - 1).append("\n");
        }
        assertEquals(expected.toString(), browser.get(a.url("/attrs")).body());
        assertEquals(expected.toString(), browser.get(b.url("/attrs")).body());
        assertEquals(String.valueOf(threads * requests), redis.text("GET", prefix + "count"));
    }

    @Test
    void hold_sessionExpiresDuringTheRequest_answersNormallyAndTheNextRequestHasNoSession() throws Exception {
        String id = createSessionOn(a, "user", "carol");
        CountDownLatch release = new CountDownLatch(1);
        a.loaded = new CountDownLatch(1);
        a.release = release;
        try {
            CompletableFuture<HttpResponse<String>> held = raw.sendAsync(cookieRequest(a, "/hold?name=late&value=x", id),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(a.loaded.await(20, TimeUnit.SECONDS), "the request loaded the session");
            redis.call("PEXPIRE", key(id), "1"); // its timeout runs out while the request is busy
            Poll.until(Duration.ofSeconds(10), "the key expires", () -> redis.number("EXISTS", key(id)) == 0);

            release.countDown();
            HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertEquals("held", answer.body());
            assertTrue(answer.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("SESSION=;")),
                    "the cookie of the expired session is cleared: " + answer.headers().allValues("Set-Cookie"));
        } finally {
            release.countDown();
        }
        assertEquals(0, redis.number("EXISTS", key(id)), "the late save did not bring the session back");
        assertEquals(404, withCookie(a, "/attrs", id).statusCode(), "the next request finds no session");
    }

    @Test
    void hold_invalidatedWhileRequestsOnBothNodesHoldTheSession_theirSavesDoNotResurrectIt() throws Exception {
        String id = createSessionOn(a, "user", "carol");
        CountDownLatch release = new CountDownLatch(1);
        a.loaded = new CountDownLatch(2);
        b.loaded = new CountDownLatch(2);
        a.release = release;
        b.release = release;
        try {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (Node node : List.of(a, a, b, b)) {
                held.add(raw.sendAsync(cookieRequest(node, "/hold?name=late&value=x", id),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertTrue(a.loaded.await(20, TimeUnit.SECONDS), "two requests on A loaded the session");
            assertTrue(b.loaded.await(20, TimeUnit.SECONDS), "two requests on B loaded the session");

            assertEquals(200, withCookie(b, "/invalidate", id).statusCode());
            assertEquals(0, redis.number("EXISTS", key(id)));

            release.countDown();
            for (CompletableFuture<HttpResponse<String>> response : held) {
                HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode());
                assertEquals("held", answer.body());
            }
        } finally {
            release.countDown();
        }
        assertEquals(0, redis.number("EXISTS", key(id)), "the saves after the invalidate brought the session back");
        assertEquals(404, withCookie(a, "/attrs", id).statusCode());
    }

    @Test
    void setIfPresent_invalidateRacingSavesOnBothNodes_keyStaysGone() throws Exception {
        String id = createSessionOn(a, "user", "carol");
        int threads = 4;
        CountDownLatch someSaved = new CountDownLatch(20);
        AtomicBoolean invalidated = new AtomicBoolean();
        AtomicInteger afterInvalidate = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    int extra = 0;
                    for (int i = 0; extra < 10 && System.nanoTime() < deadline; i++) {
                        boolean late = invalidated.get();
                        Node node = (thread + i) % 2 == 0 ? a : b;
                        int status = withCookie(node, "/set-if-present?name=t" + thread + "&value=" + i, id)
                                .statusCode();
                        assertTrue(status == 200 || status == 404, "status " + status);
                        if (status == 200) {
                            someSaved.countDown();
                        }
                        if (late) {
                            extra++;
                            afterInvalidate.incrementAndGet();
                            assertEquals(404, status, "a request sent after the invalidate finds no session");
                        }
                    }
                    return null;
                }));
            }
            assertTrue(someSaved.await(30, TimeUnit.SECONDS), "saves were under way before the invalidate");
            assertEquals(200, withCookie(b, "/invalidate", id).statusCode());
            invalidated.set(true);
            for (Future<?> future : done) {
                future.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * 10, afterInvalidate.get());
        assertEquals(0, redis.number("EXISTS", key(id)));
        assertEquals(List.of(), redis.keys(prefix + "session:{" + id));
    }

    private String createSessionOn(Node node, String name, String value) throws Exception {
        HttpResponse<String> response = browser.get(node.url("/attr?name=" + name + "&value=" + value));
        assertEquals(200, response.statusCode());
        String id = response.body();
        assertEquals(1, redis.number("EXISTS", key(id)));
        return id;
    }

    private HttpResponse<String> withCookie(Node node, String pathAndQuery, String id) throws Exception {
        return raw.send(cookieRequest(node, pathAndQuery, id), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest cookieRequest(Node node, String pathAndQuery, String id) {
        return HttpRequest.newBuilder(URI.create(node.url(pathAndQuery)))
                .timeout(Duration.ofSeconds(40))
                .header("Cookie", "SESSION=" + id)
                .GET().build();
    }

    private static String key(String id) {
        return prefix + "session:{" + id + "}";
    }
}
