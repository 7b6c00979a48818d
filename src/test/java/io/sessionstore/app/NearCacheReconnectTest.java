package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that loses its subscription to the session events may miss a change: when it is subscribed again it
 * must not serve anything it cached before.
 */
@NeedsRedis
class NearCacheReconnectTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void subscriptionLost_changeMissedMeanwhile_nextPageShowsTheChange() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "before@example.com");
        assertEquals("before@example.com", WebClient.email(browser.get(fixture.url("/"))));
        String key = fixture.sessionKey(browser.cookie("SESSION"));
        String channel = fixture.keyPrefix() + "session-events";

        // The subscription drops, and a change lands without its message reaching this node.
        fixture.redis().call("CLIENT", "KILL", "TYPE", "pubsub");
        fixture.redis().call("HSET", key, "@email", "Safter@example.com");
        Poll.until(Duration.ofSeconds(10), "the node subscribes again",
                () -> ((Long) ((List<?>) fixture.redis().call("PUBSUB", "NUMSUB", channel)).get(1)) == 1L);

        assertEquals("after@example.com", WebClient.email(browser.get(fixture.url("/"))));
    }
}
