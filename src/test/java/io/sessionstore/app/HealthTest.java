package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /health against a Redis of its own, so that it can be stopped and its key count is exact. */
@NeedsRedis
class HealthTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void getHealth_policyThatEvictsSessions_200UpNamingThePolicy() throws Exception {
        try (RespClient admin = fixture.privateRedis().client()) {
            admin.call("CONFIG", "SET", "maxmemory", "100mb");
            admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            try {
                HttpResponse<String> answer = new WebClient().get(fixture.url("/health"));
                assertEquals(200, answer.statusCode());
                assertEquals("{\"status\":\"UP\",\"sessionStore\":\"MAY_EVICT\",\"maxmemoryPolicy\":\"allkeys-lru\"}",
                        answer.body());
            } finally {
                admin.call("CONFIG", "SET", "maxmemory", "0");
                admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
            }
        }
    }

    @Test
    void getHealth_redisUp_200UpWithoutSessionOrKey() throws Exception {
        WebClient browser = new WebClient();

        HttpResponse<String> answer = browser.get(fixture.url("/health"));

        assertEquals(200, answer.statusCode());
        assertEquals("{\"status\":\"UP\"}", answer.body());
        assertTrue(Pages.header(answer, "Content-Type").startsWith("application/json"));
        assertEquals("no-store", Pages.header(answer, "Cache-Control"));
        assertNull(browser.cookie("SESSION"));
        assertNull(Pages.header(answer, "Set-Cookie"));
        try (RespClient client = fixture.privateRedis().client()) {
            assertEquals(0, client.number("DBSIZE"));
        }
    }

    @Test
    void getHealth_redisStopped_503DownQuickly() throws Exception {
        fixture.privateRedis().stop();
        try {
            WebClient browser = new WebClient();
            long started = System.nanoTime();
            HttpResponse<String> answer = browser.get(fixture.url("/health"));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(503, answer.statusCode());
            assertEquals("{\"status\":\"DOWN\"}", answer.body());
            assertTrue(millis < 3000, "/health took " + millis + " ms with Redis down");
            assertNull(browser.cookie("SESSION"));
        } finally {
            fixture.privateRedis().restart();
        }
        Poll.until(Duration.ofSeconds(10), "/health answers UP again after the restart",
                () -> new WebClient().get(fixture.url("/health")).statusCode() == 200);
        try (RespClient client = fixture.privateRedis().client()) {
            assertEquals(0, client.number("DBSIZE"));
        }
    }
}
