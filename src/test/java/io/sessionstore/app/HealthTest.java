package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /health against a Redis of its own, so that it can be stopped and its key count is exact. */
class HealthTest {

    private static PrivateRedis redis;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        redis = PrivateRedis.start();
        app = TestApp.start(Map.of("REDIS_URL", redis.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        redis.close();
    }

    @Test
    void getHealth_redisUp_200UpWithoutSessionOrKey() throws Exception {
        WebClient browser = new WebClient();

        HttpResponse<String> answer = browser.get(app.url("/health"));

        assertEquals(200, answer.statusCode());
        assertEquals("{\"status\":\"UP\"}", answer.body());
        assertTrue(Pages.header(answer, "Content-Type").startsWith("application/json"));
        assertEquals("no-store", Pages.header(answer, "Cache-Control"));
        assertNull(browser.cookie("SESSION"));
        assertNull(Pages.header(answer, "Set-Cookie"));
        try (RespClient client = redis.client()) {
            assertEquals(0, client.number("DBSIZE"));
        }
    }

    @Test
    void getHealth_redisStopped_503DownQuickly() throws Exception {
        redis.stop();
        try {
            WebClient browser = new WebClient();
            long started = System.nanoTime();
            HttpResponse<String> answer = browser.get(app.url("/health"));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(503, answer.statusCode());
            assertEquals("{\"status\":\"DOWN\"}", answer.body());
            assertTrue(millis < 3000, "/health took " + millis + " ms with Redis down");
            assertNull(browser.cookie("SESSION"));
        } finally {
            redis.restart();
        }
        Poll.until(Duration.ofSeconds(10), "/health answers UP again after the restart",
                () -> new WebClient().get(app.url("/health")).statusCode() == 200);
        try (RespClient client = redis.client()) {
            assertEquals(0, client.number("DBSIZE"));
        }
    }
}
