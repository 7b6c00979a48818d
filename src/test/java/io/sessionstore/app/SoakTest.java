package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak: six browsers log in, look at the welcome page and log out on two nodes that share one Redis,
 * and halfway through Redis is stopped for a few seconds and started again with its append-only file. What was
 * acknowledged must survive; the only failures allowed are 503s while Redis is away; the heap does not grow.
 *
 * <p>{@code -Dsoak.seconds=N} sets the length of the soak (default 60 s, at least 30), after a 10 s warm-up.
 */
@NeedsRedis
class SoakTest {

    private static final int CLIENTS = 6;
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /**
     * 503s are allowed a little past the moment /health answers UP on both nodes: /health proves one pooled
     * Redisson connection per node is back, the others reconnect on their own schedule.
     */
    private static final Duration RECOVERY_GRACE = Duration.ofSeconds(3);
    private static final long HEAP_SLACK_BYTES = 64L * 1024 * 1024;
    private static final int MAX_REPORTED = 30;

    private static PrivateRedis redis;
    private static String prefix;
    private static TestApp nodeA;
    private static TestApp nodeB;

    /** When 503s start being allowed (just before Redis stops), and until when; System.nanoTime(). */
    private static volatile long outageStart = Long.MAX_VALUE;
    private static volatile long outageEnd = Long.MAX_VALUE;
    private static volatile long recovered = Long.MAX_VALUE;
    private static final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger failureCount = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        redis = PrivateRedis.start();
        prefix = TestRedis.uniquePrefix("soak");
        Map<String, String> settings = Map.of("REDIS_URL", redis.url(), "KEY_PREFIX", prefix,
                "VISIT_TTL_SECONDS", "3600");
        nodeA = TestApp.start(settings);
        nodeB = TestApp.start(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            try (RespClient client = redis.client()) {
                client.deleteKeys(prefix);
            }
        } finally {
            if (nodeA != null) {
                nodeA.close();
            }
            if (nodeB != null) {
                nodeB.close();
            }
            redis.close();
        }
    }

    @Test
    void browsersOnTwoNodes_redisRestartedHalfway_acknowledgedStateKeptAndOnly503sDuringOutage() throws Exception {
        long soakSeconds = Math.max(30, Long.parseLong(System.getProperty("soak.seconds", "60")));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Client(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long heapBefore;
        long heapAfter;
        long started;
        long recoveredAt;
        try {
            runAll(pool, clients, System.nanoTime() + WARM_UP.toNanos());
            heapBefore = usedHeapAfterGc();

            started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(soakSeconds);
            List<Future<?>> running = submitAll(pool, clients, deadline);
            // The test is about time: the outage comes halfway through the soak.
            Thread.sleep(TimeUnit.SECONDS.toMillis(soakSeconds) / 2);
            outageStart = System.nanoTime();
            redis.stop();
            try {
                Thread.sleep(OUTAGE.toMillis());
            } finally {
                redis.restart();
            }
            WebClient probe = new WebClient();
            Poll.until(Duration.ofSeconds(30), "/health answers UP on both nodes after the restart",
                    () -> probe.get(nodeA.url("/health")).statusCode() == 200
                            && probe.get(nodeB.url("/health")).statusCode() == 200);
            recoveredAt = System.nanoTime();
            recovered = recoveredAt;
            outageEnd = recoveredAt + RECOVERY_GRACE.toNanos();
            for (Future<?> client : running) {
                client.get(deadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        heapAfter = usedHeapAfterGc();
        long requests = clients.stream().mapToLong(c -> c.requests).sum();
        long acknowledged = clients.stream().mapToLong(c -> c.acknowledged).sum();
        long unavailable = clients.stream().mapToLong(c -> c.unavailable).sum();
        long late = clients.stream().mapToLong(c -> c.unavailableAfterRecovery).sum();
        System.out.printf("SoakTest: %d requests, %d acknowledged, %d answered 503 (%d after /health was UP again)"
                        + " (warm-up included); %d s soak after %d s warm-up; outage %d s, then UP again after"
                        + " %d ms more; heap %d MiB after warm-up, %d MiB at the end%n",
                requests, acknowledged, unavailable, late, millis / 1000, WARM_UP.toSeconds(), OUTAGE.toSeconds(),
                (recoveredAt - outageStart) / 1_000_000 - OUTAGE.toMillis(), heapBefore >> 20, heapAfter >> 20);

        assertEquals(List.of(), List.copyOf(failures), failureCount.get() + " requests failed otherwise than with "
                + "a 503 during the outage (at most " + MAX_REPORTED + " shown)");
        assertTrue(unavailable > 0, "the outage was noticed: at least one 503");
        for (Client client : clients) {
            assertTrue(client.lastAcknowledgedAt > outageEnd,
                    client.email + " had something acknowledged after the recovery");
        }
        try (RespClient store = redis.client()) {
            for (Client client : clients) {
                client.assertCountInRedis(store);
            }
        }
        for (Client client : clients) {
            client.assertSessionOnBothNodes();
        }
        assertTrue(heapAfter - heapBefore <= HEAP_SLACK_BYTES, "heap after the soak " + (heapAfter >> 20)
                + " MiB, after the warm-up " + (heapBefore >> 20) + " MiB: more than 64 MiB of growth");
    }

    private static void runAll(ExecutorService pool, List<Client> clients, long deadline) throws Exception {
        for (Future<?> client : submitAll(pool, clients, deadline)) {
            client.get(deadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS);
        }
    }

    private static List<Future<?>> submitAll(ExecutorService pool, List<Client> clients, long deadline) {
        List<Future<?>> running = new ArrayList<>();
        for (Client client : clients) {
            running.add(pool.submit(() -> {
                client.runUntil(deadline);
                return null;
            }));
        }
        return running;
    }

    /** The smallest of a few readings: one collection may leave garbage that the next one finds. */
    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            min = Math.min(min, runtime.totalMemory() - runtime.freeMemory());
        }
        return min;
    }

    private enum Session { OUT, IN, UNKNOWN }

    /**
     * One browser with its own email, used by one thread at a time. It remembers only what the server
     * acknowledged.
     *
     * <p>The visit rule. Each welcome page runs one HINCRBY for this email, and only this client uses the email,
     * so a 200 page shows exactly the count acknowledged before it plus one. A 503 on a welcome page is no
     * acknowledgement, but it is no proof that nothing was counted either: Redis may have run the increment and
     * then gone away before the answer (or before the session write that follows it) reached the node. So after
     * {@code k} such 503s the next 200 page may show from {@code last + 1} up to {@code last + 1 + k}, and Redis's
     * count at the end may exceed the last acknowledged one by at most the 503s that came after it. It may never
     * be less: an acknowledged increment was fsynced (appendfsync always) and survives the restart.
     */
    private static final class Client {
        final String email;
        final WebClient web = new WebClient();
        final Random random;
        long requests;
        long acknowledged;
        long unavailable;
        long unavailableAfterRecovery;
        long acknowledgedPages;
        long lastCount;
        int unavailablePagesSinceCount;
        long lastAcknowledgedAt = Long.MIN_VALUE;
        Session session = Session.OUT;
        int step;

        Client(int index) {
            email = "soak" + index + "@example.com";
            random = new Random(index);
        }

        void runUntil(long deadline) {
            while (System.nanoTime() < deadline) {
                try {
                    if (session != Session.IN) {
                        login(nextNode());
                        continue;
                    }
                    for (int pages = 1 + random.nextInt(4); pages > 0 && session == Session.IN; pages--) {
                        welcome(nextNode());
                    }
                    if (random.nextInt(4) == 0) {
                        logout(nextNode());
                    }
                } catch (Exception e) {
                    fail("after " + requests + " requests: " + e);
                } catch (AssertionError e) {
                    fail(e.getMessage());
                }
            }
        }

        private TestApp nextNode() {
            return step++ % 2 == 0 ? nodeA : nodeB;
        }

        private void login(TestApp node) throws Exception {
            HttpResponse<String> form = send(() -> web.get(node.url("/login")));
            if (form.statusCode() != 200) {
                fail("GET /login answered " + form.statusCode() + ", expected 200 (it needs no Redis)");
                return;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("email", email);
            fields.put("csrf", web.cookie("CSRF"));
            long sent = System.nanoTime();
            HttpResponse<String> answer = send(() -> web.post(node.url("/login"), fields));
            if (answer.statusCode() == 303 && "/".equals(Pages.header(answer, "Location"))) {
                session = Session.IN;
                acknowledge();
            } else if (answer.statusCode() == 503 && allowed503(answer, sent)) {
                // maybe stored, maybe not: log in again before anything else
                session = Session.UNKNOWN;
            } else {
                fail(describe("POST /login", answer, "303 to /"));
                session = Session.UNKNOWN;
            }
        }

        private void welcome(TestApp node) throws Exception {
            long sent = System.nanoTime();
            HttpResponse<String> page = send(() -> web.get(node.url("/")));
            if (page.statusCode() == 200) {
                long count = WebClient.visits(page);
                long lowest = lastCount + 1;
                long highest = lastCount + 1 + unavailablePagesSinceCount;
                if (count < lowest || count > highest || !email.equals(WebClient.email(page))) {
                    fail("welcome page #" + (acknowledgedPages + 1) + " shows " + WebClient.email(page) + " with "
                            + count + " visits, expected " + email + " with " + (lowest == highest ? lowest
                            : lowest + " to " + highest) + " (after " + unavailablePagesSinceCount + " 503s)");
                }
                lastCount = count;
                unavailablePagesSinceCount = 0;
                acknowledgedPages++;
                acknowledge();
            } else if (page.statusCode() == 503 && allowed503(page, sent)) {
                unavailablePagesSinceCount++;
            } else {
                fail(describe("GET / (logged in)", page, "200"));
                session = Session.UNKNOWN;
            }
        }

        private void logout(TestApp node) throws Exception {
            long sent = System.nanoTime();
            HttpResponse<String> answer = send(() -> web.post(node.url("/logout"), Map.of("csrf", web.cookie("CSRF"))));
            if (answer.statusCode() == 303 && "/login".equals(Pages.header(answer, "Location"))) {
                session = Session.OUT;
                acknowledge();
                TestApp other = node == nodeA ? nodeB : nodeA;
                sent = System.nanoTime();
                HttpResponse<String> after = send(() -> web.get(other.url("/")));
                boolean redirected = after.statusCode() == 303 && "/login".equals(Pages.header(after, "Location"));
                if (!redirected && !(after.statusCode() == 503 && allowed503(after, sent))) {
                    fail(describe("GET / on the other node after a logout", after, "303 to /login"));
                }
            } else if (answer.statusCode() == 503 && allowed503(answer, sent)) {
                session = Session.UNKNOWN;
            } else {
                fail(describe("POST /logout", answer, "303 to /login"));
                session = Session.UNKNOWN;
            }
        }

        private HttpResponse<String> send(Request request) throws Exception {
            requests++;
            HttpResponse<String> answer = request.send();
            Pages.assertNoStackTrace(answer);
            if (answer.statusCode() == 503) {
                unavailable++;
                if (System.nanoTime() > recovered) {
                    unavailableAfterRecovery++;
                }
            }
            return answer;
        }

        private void acknowledge() {
            acknowledged++;
            lastAcknowledgedAt = System.nanoTime();
        }

        /** A 503 that came back after Redis was stopped, for a request sent before the recovery's grace ended. */
        private static boolean allowed503(HttpResponse<String> answer, long sentNanos) {
            return System.nanoTime() >= outageStart && sentNanos <= outageEnd
                    && answer.body().contains("Temporarily unavailable");
        }

        private String describe(String what, HttpResponse<String> answer, String expected) {
            String body = answer.body();
            return email + ": " + what + " answered " + answer.statusCode() + " (Location "
                    + Pages.header(answer, "Location") + "), expected " + expected + " or a 503 during the outage: "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }

        private void fail(String problem) {
            if (failureCount.incrementAndGet() <= MAX_REPORTED) {
                failures.add(email + ": " + problem);
            }
        }

        void assertCountInRedis(RespClient store) throws Exception {
            String stored = store.text("HGET", prefix + "visits:" + email, "count");
            long count = stored == null ? 0 : Long.parseLong(stored);
            assertTrue(count >= acknowledgedPages, email + ": Redis counts " + count + " visits, fewer than the "
                    + acknowledgedPages + " acknowledged welcome pages");
            if (unavailablePagesSinceCount == 0) {
                assertEquals(lastCount, count, email + ": Redis's count is the last acknowledged count");
            } else {
                assertTrue(count >= lastCount && count <= lastCount + unavailablePagesSinceCount, email
                        + ": Redis counts " + count + ", expected " + lastCount + " to "
                        + (lastCount + unavailablePagesSinceCount) + " (" + unavailablePagesSinceCount
                        + " 503s after the last acknowledged page)");
            }
            lastCount = count;
            unavailablePagesSinceCount = 0;
        }

        /**
         * Logged in after an acknowledged login: still logged in on both nodes. Logged out after an acknowledged
         * logout: logged out on both. After a 503 on a login or logout either may be true, so nothing is checked.
         */
        void assertSessionOnBothNodes() throws Exception {
            for (TestApp node : List.of(nodeA, nodeB)) {
                HttpResponse<String> page = web.get(node.url("/"));
                if (session == Session.IN) {
                    assertEquals(200, page.statusCode(), email + " is still logged in on " + node.url("/"));
                    assertEquals(email, WebClient.email(page));
                    assertEquals(lastCount + 1, WebClient.visits(page), email + ": the next count on " + node.url("/"));
                    lastCount++;
                } else if (session == Session.OUT) {
                    assertEquals(303, page.statusCode(), email + " is still logged out on " + node.url("/"));
                    assertEquals("/login", Pages.header(page, "Location"));
                }
            }
        }
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }
}
