package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** VISIT_TTL_SECONDS: the count starts again once the window has passed without a visit. */
@NeedsRedis
class VisitExpiryTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of("VISIT_TTL_SECONDS", "1"));

    @Test
    void getWelcome_afterVisitTtlWithoutVisit_countStartsAgainAtOne() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "expiry@example.com");
        String key = fixture.visitsKey("expiry@example.com");
        assertEquals(1, WebClient.visits(browser.get(fixture.url("/"))));
        assertEquals(2, WebClient.visits(browser.get(fixture.url("/"))));
        long ttl = fixture.redis().number("PTTL", key);
        assertTrue(ttl > 0 && ttl <= 1000, "the visits key lives VISIT_TTL_SECONDS=1, PTTL was " + ttl);

        Poll.until(Duration.ofSeconds(5), key + " expires", () -> fixture.redis().number("EXISTS", key) == 0);

        assertEquals(1, WebClient.visits(browser.get(fixture.url("/"))));
        assertEquals("expiry@example.com", WebClient.email(browser.get(fixture.url("/"))),
                "the session outlives the visit window");
    }
}
