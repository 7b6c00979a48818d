package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrometheusText;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} with {@code METRICS_ENABLED=true}, on a Redis of the test's own (stopped by one test): the
 * scrape is Prometheus text, and the counters move as a browser signs in, reads pages and signs out.
 */
@NeedsRedis
class MetricsTest {

    private static final String CONTEXT = "context=\"/\"";

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of("METRICS_ENABLED", "true"));

    @Test
    void getMetrics_enabled_prometheusTextWithEveryMeterAndNoSession() throws Exception {
        WebClient client = new WebClient();

        HttpResponse<String> answer = client.get(fixture.url("/metrics"));

        assertEquals(200, answer.statusCode());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                Pages.header(answer, "Content-Type").replace(" ", "").toLowerCase());
        PrometheusText metrics = PrometheusText.parse(answer.body());
        for (String counter : new String[] {"session_creations", "sessions_loaded", "sessions_not_found",
                "sessions_saved", "sessions_invalidated", "sessions_expired", "sessions_unreadable",
                "near_cache_gets", "unavailable_responses", "visits"}) {
            assertEquals("counter", metrics.type("sessionstore_" + counter + "_total"), counter);
        }
        assertEquals("histogram", metrics.type("sessionstore_redis_round_trip_seconds"));
        for (String operation : new String[] {"load", "last_access", "save", "delete", "announce", "touch_batch",
                "expiry_sweep"}) {
            assertTrue(metrics.has("sessionstore_redis_round_trip_seconds_count{" + CONTEXT + ",operation=\""
                    + operation + "\"}"), operation);
        }
        assertTrue(metrics.has("sessionstore_unavailable_responses_total{" + CONTEXT + ",reason=\"full\"}"));
        assertNull(Pages.header(answer, "Set-Cookie"));
        try (RespClient redis = fixture.privateRedis().client()) {
            assertEquals(0, redis.number("EXISTS", fixture.keyPrefix() + "session:{x}"));
        }
    }

    @Test
    void counters_loginPagesUnknownCookieLogout_moveByWhatWasDone() throws Exception {
        WebClient warmUp = new WebClient();
        warmUp.login(fixture.app(), "warm@example.com");
        warmUp.get(fixture.url("/"));
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        PrometheusText before = scrape();

        browser.login(fixture.app(), "metrics@example.com");
        HttpResponse<String> first = browser.get(fixture.url("/"));
        HttpResponse<String> second = browser.get(fixture.url("/"));
        WebClient stranger = new WebClient();
        stranger.setCookie(fixture.url("/"), "SESSION", "AAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(303, stranger.get(fixture.url("/")).statusCode());
        assertEquals(303, browser.logout(fixture.app()).statusCode());
        PrometheusText after = scrape();

        assertEquals(200, first.statusCode());
        assertEquals(2, WebClient.visits(second));
        assertEquals(1, delta(before, after, "sessionstore_session_creations_total"));
        assertEquals(3, delta(before, after, "sessionstore_sessions_loaded_total"), "two pages and the logout");
        assertEquals(1, delta(before, after, "sessionstore_sessions_not_found_total"));
        assertEquals(1, delta(before, after, "sessionstore_sessions_invalidated_total"));
        assertEquals(0, delta(before, after, "sessionstore_sessions_saved_total"), "pages change nothing");
        assertEquals(2, delta(before, after, "sessionstore_visits_total"));
        double hits = delta(before, after, "sessionstore_near_cache_gets_total", "result=\"hit\"");
        double misses = delta(before, after, "sessionstore_near_cache_gets_total", "result=\"miss\"");
        assertEquals(4, hits + misses, "every load of the session, and the unknown id's");
        assertTrue(hits >= 2, "the pages after the login are served from the near cache: " + hits + " hits");
        assertEquals(1, delta(before, after, "sessionstore_redis_round_trip_seconds_count", "operation=\"save\""),
                "the login's write");
        assertEquals(1, delta(before, after, "sessionstore_redis_round_trip_seconds_count", "operation=\"delete\""),
                "the logout's delete");
        assertEquals(misses, delta(before, after, "sessionstore_redis_round_trip_seconds_count",
                "operation=\"load\""), "a load from Redis per miss");
        assertEquals(2, delta(before, after, "sessionstore_redis_round_trip_seconds_count", "operation=\"visit\""));
        assertTrue(delta(before, after, "sessionstore_redis_round_trip_seconds_sum", "operation=\"visit\"") > 0);
        assertEquals(0, delta(before, after, "sessionstore_unavailable_responses_total", "reason=\"unavailable\""));
    }

    @Test
    void nearCacheGauges_signedInBrowsers_entriesAndTheirEstimatedHeap() throws Exception {
        // The near cache starts empty each time its feed is subscribed (also after another test's Redis restart):
        // browsers sign in until three are held.
        Poll.until(Duration.ofSeconds(20), "three signed-in sessions in the near cache", () -> {
            WebClient browser = new WebClient();
            return browser.login(fixture.app(), "gauge@example.com").statusCode() == 303
                    && browser.get(fixture.url("/")).statusCode() == 200
                    && scrape().value("sessionstore_near_cache_entries{" + CONTEXT + "}") >= 3;
        });
        PrometheusText after = scrape();

        assertEquals("gauge", after.type("sessionstore_near_cache_entries"));
        assertEquals("gauge", after.type("sessionstore_near_cache_estimated_bytes"));
        double entries = after.value("sessionstore_near_cache_entries{" + CONTEXT + "}");
        double bytes = after.value("sessionstore_near_cache_estimated_bytes{" + CONTEXT + "}");
        // A signed-in session is estimated at about 400 bytes, a marker of a logout at about 250.
        assertTrue(bytes / entries > 250 && bytes / entries < 1000, bytes + " bytes for " + entries + " entries");
    }

    @Test
    void unavailableResponses_redisStopped_countedOnceWithItsReason() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "outage@example.com");
        PrometheusText before = scrape();

        fixture.privateRedis().stop();
        int status;
        try {
            status = browser.get(fixture.url("/")).statusCode();
        } finally {
            fixture.privateRedis().restart();
        }
        PrometheusText after = scrape();

        assertEquals(503, status);
        assertEquals(1, delta(before, after, "sessionstore_unavailable_responses_total", "reason=\"unavailable\""));
        assertEquals(0, delta(before, after, "sessionstore_unavailable_responses_total", "reason=\"full\""));
        Poll.until(Duration.ofSeconds(10), "/health answers UP again after the restart",
                () -> new WebClient().get(fixture.url("/health")).statusCode() == 200);
    }

    @Test
    void sessionsUnreadable_corruptHash_countedAsDroppedNotAsInvalidated() throws Exception {
        String id = "unreadableMetrics00001";
        String key = fixture.sessionKey(id);
        fixture.redis().call("HSET", key, "c", "yesterday", "a", Long.toString(System.currentTimeMillis()),
                "t", "1800");
        fixture.redis().call("EXPIRE", key, "600");
        WebClient browser = new WebClient();
        browser.setCookie(fixture.url("/"), "SESSION", id);
        PrometheusText before = scrape();

        assertEquals(303, browser.get(fixture.url("/")).statusCode());
        PrometheusText after = scrape();

        assertEquals(0, fixture.redis().number("EXISTS", key), "the unreadable session is deleted");
        assertEquals(1, delta(before, after, "sessionstore_sessions_unreadable_total"));
        assertEquals(0, delta(before, after, "sessionstore_sessions_invalidated_total"));
        assertEquals(0, delta(before, after, "sessionstore_sessions_loaded_total"));
        assertEquals(1, delta(before, after, "sessionstore_redis_round_trip_seconds_count", "operation=\"delete\""));
    }

    @Test
    void getMetrics_notEnabled_404() throws Exception {
        try (TestApp plain = TestApp.start(Map.of())) {
            HttpResponse<String> answer = new WebClient().get(plain.url("/metrics"));

            assertEquals(404, answer.statusCode());
            assertFalse(answer.body().contains("sessionstore_"));
        }
    }

    private static PrometheusText scrape() throws Exception {
        HttpResponse<String> answer = new WebClient().get(fixture.url("/metrics"));
        assertEquals(200, answer.statusCode());
        return PrometheusText.parse(answer.body());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name) {
        return delta(before, after, name, null);
    }

    /** How far a series moved; {@code label} is its one label besides the context, or null. */
    private static double delta(PrometheusText before, PrometheusText after, String name, String label) {
        String series = name + "{" + (label == null ? CONTEXT : sorted(CONTEXT, label)) + "}";
        assertTrue(after.has(series), series + " is in the scrape");
        return after.value(series) - before.value(series);
    }

    private static String sorted(String a, String b) {
        return a.compareTo(b) < 0 ? a + "," + b : b + "," + a;
    }
}
