package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** VISIT_TTL_SECONDS: the count starts again once the window has passed without a visit. */
class VisitExpiryTest {

    private static TestApp app;
    private static RespClient redis;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("VISIT_TTL_SECONDS", "1"));
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.deleteKeys(app.keyPrefix());
        redis.close();
        app.close();
    }

    @Test
    void getWelcome_afterVisitTtlWithoutVisit_countStartsAgainAtOne() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "expiry@example.com");
        String key = app.keyPrefix() + "visits:expiry@example.com";
        assertEquals(1, WebClient.visits(browser.get(app.url("/"))));
        assertEquals(2, WebClient.visits(browser.get(app.url("/"))));
        long ttl = redis.number("PTTL", key);
        assertTrue(ttl > 0 && ttl <= 1000, "the visits key lives VISIT_TTL_SECONDS=1, PTTL was " + ttl);

        Poll.until(Duration.ofSeconds(5), key + " expires", () -> redis.number("EXISTS", key) == 0);

        assertEquals(1, WebClient.visits(browser.get(app.url("/"))));
        assertEquals("expiry@example.com", WebClient.email(browser.get(app.url("/"))),
                "the session outlives the visit window");
    }
}
