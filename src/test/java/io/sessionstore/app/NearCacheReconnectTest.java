package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node that loses its subscription to the session events may miss a change: when it is subscribed again it
 * must not serve anything it cached before.
 */
class NearCacheReconnectTest {

    private static PrivateRedis redis;
    private static RespClient client;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        redis = PrivateRedis.start();
        client = redis.client();
        app = TestApp.start(Map.of("REDIS_URL", redis.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        client.close();
        redis.close();
    }

    @Test
    void subscriptionLost_changeMissedMeanwhile_nextPageShowsTheChange() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "before@example.com");
        assertEquals("before@example.com", WebClient.email(browser.get(app.url("/"))));
        String key = app.keyPrefix() + "session:{" + browser.cookie("SESSION") + "}";
        String channel = app.keyPrefix() + "session-events";

        // The subscription drops, and a change lands without its message reaching this node.
        client.call("CLIENT", "KILL", "TYPE", "pubsub");
        client.call("HSET", key, "@email", "Safter@example.com");
        Poll.until(Duration.ofSeconds(10), "the node subscribes again",
                () -> ((Long) ((List<?>) client.call("PUBSUB", "NUMSUB", channel)).get(1)) == 1L);

        assertEquals("after@example.com", WebClient.email(browser.get(app.url("/"))));
    }
}
