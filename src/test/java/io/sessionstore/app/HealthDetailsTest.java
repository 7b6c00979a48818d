package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /health?details} for operators, against a Redis of its own so that its session count is exact; the
 * plain {@code /health} of load balancers stays as it was ({@link HealthTest}).
 */
@NeedsRedis
class HealthDetailsTest {

    private static final Pattern DETAILS = Pattern.compile("\\{\"status\":\"UP\",\"sessionStore\":\"OK\","
            + "\"maxmemoryPolicy\":\"noeviction\",\"usedMemoryBytes\":(\\d+),\"maxmemoryBytes\":0,"
            + "\"redisRoundTripMillis\":(\\d+\\.\\d{3}),\"nearCache\":true,\"sessions\":(\\d+)}");

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void getHealthDetails_threeSignedIn_roundTripNearCacheAndTheSessionCount() throws Exception {
        for (int i = 0; i < 3; i++) {
            new WebClient().login(fixture.app(), "count" + i + "@example.com");
        }

        // Each session's index entry is sent in the background, within one housekeeping interval.
        Poll.until(Duration.ofSeconds(10), "the three sessions are counted",
                () -> "3".equals(details().group(3)));
        WebClient operator = new WebClient();
        HttpResponse<String> answer = operator.get(fixture.url("/health?details"));
        Matcher found = DETAILS.matcher(answer.body());

        assertEquals(200, answer.statusCode());
        assertTrue(found.matches(), answer.body());
        assertTrue(Long.parseLong(found.group(1)) > 0);
        double millis = Double.parseDouble(found.group(2));
        assertTrue(millis > 0 && millis < 1000, "a loopback round trip: " + millis + " ms");
        assertTrue(Pages.header(answer, "Content-Type").startsWith("application/json"));
        assertEquals("no-store", Pages.header(answer, "Cache-Control"));
        assertNull(operator.cookie("SESSION"));
        assertEquals("{\"status\":\"UP\"}", new WebClient().get(fixture.url("/health")).body(),
                "the load balancers' answer is unchanged");
    }

    @Test
    void getHealthDetails_redisStopped_503DownWithTheTimeItWaitedAndNoCount() throws Exception {
        fixture.privateRedis().stop();
        HttpResponse<String> answer;
        try {
            answer = new WebClient().get(fixture.url("/health?details"));
        } finally {
            fixture.privateRedis().restart();
        }

        assertEquals(503, answer.statusCode());
        assertTrue(answer.body().matches("\\{\"status\":\"DOWN\",\"redisRoundTripMillis\":\\d+\\.\\d{3},"
                + "\"nearCache\":true}"), answer.body());
        assertFalse(answer.body().contains("sessions"));
        Poll.until(Duration.ofSeconds(10), "/health answers UP again after the restart",
                () -> new WebClient().get(fixture.url("/health")).statusCode() == 200);
    }

    private static Matcher details() throws Exception {
        String body = new WebClient().get(fixture.url("/health?details")).body();
        Matcher found = DETAILS.matcher(body);
        assertTrue(found.matches(), body);
        return found;
    }
}
