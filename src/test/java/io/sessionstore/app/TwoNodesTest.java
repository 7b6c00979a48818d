package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two embedded nodes behind one "load balancer": one cookie jar, one key prefix, one Redis. */
@NeedsRedis
class TwoNodesTest {

    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 25;

    private static String prefix;
    private static TestApp nodeA;
    private static TestApp nodeB;
    private static RespClient redis;

    @BeforeAll
    static void start() throws Exception {
        prefix = TestRedis.uniquePrefix("twonodes");
        nodeA = TestApp.start(Map.of("KEY_PREFIX", prefix));
        nodeB = TestApp.start(Map.of("KEY_PREFIX", prefix));
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.deleteKeys(prefix);
        redis.close();
        nodeA.close();
        nodeB.close();
    }

    @Test
    void loginOnA_welcomeOnB_sameEmailAndNextCount() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, browser.login(nodeA, "roaming@example.com").statusCode());

        HttpResponse<String> onB = browser.get(nodeB.url("/"));
        HttpResponse<String> onA = browser.get(nodeA.url("/"));

        assertEquals(200, onB.statusCode());
        assertEquals("roaming@example.com", WebClient.email(onB));
        assertEquals(1, WebClient.visits(onB));
        assertEquals("roaming@example.com", WebClient.email(onA));
        assertEquals(2, WebClient.visits(onA));
    }

    @Test
    void logoutOnB_nextRequestOnA_redirectsToLogin() throws Exception {
        WebClient browser = new WebClient();
        browser.login(nodeA, "leaving@example.com");
        assertEquals(200, browser.get(nodeA.url("/")).statusCode());

        assertEquals(303, browser.logout(nodeB).statusCode());
        HttpResponse<String> onA = browser.get(nodeA.url("/"));

        assertEquals(303, onA.statusCode());
        assertEquals("/login", Pages.header(onA, "Location"));
    }

    @Test
    void concurrentWelcomePages_bothNodes_everyIncrementCountedOnce() throws Exception {
        WebClient browser = new WebClient();
        browser.login(nodeB, "busy@example.com");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<List<HttpResponse<String>>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<HttpResponse<String>> answers = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        TestApp node = (thread + i) % 2 == 0 ? nodeA : nodeB;
                        answers.add(browser.get(node.url("/")));
                    }
                    return answers;
                }));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<List<HttpResponse<String>>> result : results) {
                answers.addAll(result.get());
            }

            assertEquals(List.of(200), answers.stream().map(HttpResponse::statusCode).distinct().toList());
            List<Long> counts = answers.stream().map(a -> (long) WebClient.visits(a)).sorted().toList();
            int total = THREADS * REQUESTS_PER_THREAD;
            assertEquals(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()), counts,
                    "each visit got its own number: none lost, none counted twice");
            assertEquals(total + 1, WebClient.visits(browser.get(nodeA.url("/"))));
        } finally {
            pool.shutdownNow();
        }
    }
}
