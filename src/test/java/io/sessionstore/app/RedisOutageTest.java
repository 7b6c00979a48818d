package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis goes away while a user is logged in, and comes back: 503 quickly, then recovery without a restart. */
@NeedsRedis
class RedisOutageTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void getWelcome_redisStoppedThenRestarted_503WithoutTraceThenSameSessionCountsOn() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "outage@example.com");
        assertEquals(1, WebClient.visits(browser.get(fixture.url("/"))));
        assertEquals(2, WebClient.visits(browser.get(fixture.url("/"))));

        WebClient newcomer = new WebClient();
        fixture.privateRedis().stop();
        try {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = timedGet(browser, "/");
                assertEquals(503, answer.statusCode());
                assertTrue(answer.body().contains("Temporarily unavailable"), answer.body());
                assertTrue(Pages.header(answer, "Content-Type").startsWith("text/html"));
                assertTrue(Pages.header(answer, "Content-Security-Policy").contains("frame-ancestors 'none'"));
                assertEquals("nosniff", Pages.header(answer, "X-Content-Type-Options"));
                Pages.assertNoStackTrace(answer);
            }
            assertEquals(503, timedGet(browser, "/health").statusCode());
            assertEquals(200, timedGet(new WebClient(), "/login").statusCode(), "the login form needs no Redis");
            HttpResponse<String> login = newcomer.login(fixture.app(), "newcomer@example.com");
            assertEquals(503, login.statusCode(), "a login that cannot be stored is not acknowledged");
            Pages.assertNoStackTrace(login);
        } finally {
            fixture.privateRedis().restart();
        }

        Poll.until(Duration.ofSeconds(20), "/health answers UP after the restart",
                () -> new WebClient().get(fixture.url("/health")).statusCode() == 200);
        HttpResponse<String> page = browser.get(fixture.url("/"));
        assertEquals(200, page.statusCode());
        assertEquals("outage@example.com", WebClient.email(page));
        assertEquals(3, WebClient.visits(page));
        HttpResponse<String> again = newcomer.login(fixture.app(), "newcomer@example.com");
        assertEquals(303, again.statusCode(), "the browser whose login was refused logs in now: " + again.body());
        assertEquals("newcomer@example.com", WebClient.email(newcomer.get(fixture.url("/"))));
    }

    @Test
    void getWelcome_redisHangs_503WithinBoundThenCountsOnWhenItAnswers() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "hung@example.com");
        assertEquals(1, WebClient.visits(browser.get(fixture.url("/"))));

        fixture.privateRedis().freeze();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> answer = timedGet(browser, "/");
                assertEquals(503, answer.statusCode());
                assertTrue(answer.body().contains("Temporarily unavailable"), answer.body());
                Pages.assertNoStackTrace(answer);
            }
            HttpResponse<String> health = timedGet(browser, "/health");
            assertEquals(503, health.statusCode());
            assertEquals("{\"status\":\"DOWN\"}", health.body());
        } finally {
            fixture.privateRedis().thaw();
        }

        Poll.until(Duration.ofSeconds(20), "/health answers UP once Redis answers again",
                () -> new WebClient().get(fixture.url("/health")).statusCode() == 200);
        HttpResponse<String> page = browser.get(fixture.url("/"));
        assertEquals(200, page.statusCode());
        assertEquals("hung@example.com", WebClient.email(page));
        // With the session in the near cache, the two 503 pages sent their increment, which a hung Redis runs
        // once it answers again: unacknowledged, but counted. Never twice (no retries), never lost.
        int visits = WebClient.visits(page);
        assertTrue(visits >= 2 && visits <= 4, "visits " + visits + ", expected 2 to 4");
    }

    private static HttpResponse<String> timedGet(WebClient browser, String path) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answer = browser.get(fixture.url(path));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 3000, "GET " + path + " took " + millis + " ms with Redis down");
        return answer;
    }
}
