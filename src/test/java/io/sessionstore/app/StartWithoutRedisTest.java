package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployed as a WAR, the app starts while Redis is down, answers 503, and works once Redis is up, undeployed. */
@NeedsRedis
class StartWithoutRedisTest {

    @Test
    void start_redisDown_503UntilRedisIsUpThenLoginWorks() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            try (TestApp app = TestApp.start(Map.of("REDIS_URL", redis.url()))) {
                WebClient browser = new WebClient();
                assertEquals(503, browser.get(app.url("/health")).statusCode());
                assertEquals(200, browser.get(app.url("/login")).statusCode(), "the form needs no Redis");
                assertEquals(503, browser.login(app, "early@example.com").statusCode());

                redis.restart();
                Poll.until(Duration.ofSeconds(20), "/health answers UP once Redis is up",
                        () -> new WebClient().get(app.url("/health")).statusCode() == 200);
                assertEquals(303, browser.login(app, "early@example.com").statusCode());
                assertEquals(1, WebClient.visits(browser.get(app.url("/"))));
            }
        }
    }

    @Test
    void start_redisWantsAPasswordAndRedisIsRequired_refusedSayingWhatRedisAnswered() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start()) {
            try (RespClient admin = redis.client()) {
                admin.call("CONFIG", "SET", "requirepass", "s3cret");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestApp.start(Map.of(
                    "REDIS_URL", redis.url(), "REDIS_REQUIRED_AT_START", "true")));
            assertTrue(e.getMessage().contains("requires a password (NOAUTH): set REDIS_URL's user:password"),
                    e.getMessage());
        }
    }
}
