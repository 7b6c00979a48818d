package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.WebClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Redis round trips of each request type, with the near cache (the default) and without, counted on a Redis
 * of the test's own: read events the server processed, less Redisson's connection pings and the counting call
 * itself. A change that adds a round trip to any request fails here.
 */
@NeedsRedis
class RoundTripBudgetTest {

    private static PrivateRedis redis;
    private static RespClient counter;
    private static TestApp cached;
    private static TestApp uncached;

    @BeforeAll
    static void start() throws Exception {
        redis = PrivateRedis.start();
        counter = redis.client();
        // Background work (coalesced touches, expiry sweeps) once a minute: never within a request measured here.
        // Its own cost is counted in RedisSessionStoreTest.
        cached = TestApp.start(Map.of("REDIS_URL", redis.url(), "SESSION_HOUSEKEEPING_MS", "60000"));
        uncached = TestApp.start(Map.of("REDIS_URL", redis.url(), "SESSION_NEAR_CACHE", "off",
                "SESSION_HOUSEKEEPING_MS", "60000"));
        for (TestApp app : new TestApp[] {cached, uncached}) {
            // Warm up: connections opened, scripts loaded into Redis.
            WebClient warmUp = new WebClient();
            warmUp.login(app, "warm@example.com");
            warmUp.get(app.url("/"));
            warmUp.login(app, "warm@example.com");
            warmUp.logout(app);
            warmUp.get(app.url("/health"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cached.close();
        uncached.close();
        counter.close();
        redis.close();
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void loginPageAndStylesheet_anonymous_noRoundTrip(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        assertEquals(0, roundTrips(() -> assertStatus(200, browser.get(app.url("/login")))));
        assertEquals(0, roundTrips(() -> assertStatus(200, browser.get(app.url("/style.css")))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void login_newSession_oneRoundTrip(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        browser.get(app.url("/login"));
        assertEquals(1, roundTrips(() -> assertStatus(303, browser.post(app.url("/login"),
                Map.of("email", "budget@example.com", "csrf", browser.cookie("CSRF"))))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void login_existingSession_deleteAndWriteAfterTheLoad(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        browser.login(app, "again@example.com");
        assertEquals(nearCache ? 2 : 3, roundTrips(() -> assertStatus(303, browser.post(app.url("/login"),
                Map.of("email", "again@example.com", "csrf", browser.cookie("CSRF"))))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void welcome_loggedIn_counterAndTheLoadUnlessCached(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        browser.login(app, "pages@example.com");
        browser.get(app.url("/"));
        for (int i = 0; i < 3; i++) {
            assertEquals(nearCache ? 1 : 2, roundTrips(() -> assertStatus(200, browser.get(app.url("/")))));
        }
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void welcome_noOrMalformedCookie_noRoundTrip(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        assertEquals(0, roundTrips(() -> assertStatus(303, browser.get(app.url("/")))));
        browser.setCookie(app.url("/"), "SESSION", "not*a{valid}id");
        assertEquals(0, roundTrips(() -> assertStatus(303, browser.get(app.url("/")))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void welcome_unknownSessionId_oneRoundTrip(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        browser.setCookie(app.url("/"), "SESSION", "AAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(1, roundTrips(() -> assertStatus(303, browser.get(app.url("/")))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void logout_loggedIn_theDeleteAndTheLoadUnlessCached(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        browser.login(app, "bye@example.com");
        assertEquals(nearCache ? 1 : 2, roundTrips(() -> assertStatus(303, browser.logout(app))));
    }

    @ParameterizedTest(name = "near cache {0}")
    @ValueSource(booleans = {true, false})
    void health_oneRoundTrip(boolean nearCache) throws Exception {
        TestApp app = app(nearCache);
        WebClient browser = new WebClient();
        assertEquals(1, roundTrips(() -> assertStatus(200, browser.get(app.url("/health")))));
    }

    private static TestApp app(boolean nearCache) {
        return nearCache ? cached : uncached;
    }

    private interface Request {
        void run() throws Exception;
    }

    private static synchronized long roundTrips(Request request) throws Exception {
        long[] before = stats();
        request.run();
        long[] after = stats();
        return (after[0] - before[0]) - (after[1] - before[1]) - 1;
    }

    /** Read events processed, and PINGs among them. */
    private static long[] stats() throws IOException {
        String info = counter.text("INFO", "stats", "commandstats");
        long reads = 0;
        long pings = 0;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_reads_processed:")) {
                reads = Long.parseLong(line.substring(line.indexOf(':') + 1));
            } else if (line.startsWith("cmdstat_ping:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                pings = Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return new long[] {reads, pings};
    }

    private static void assertStatus(int expected, HttpResponse<String> response) {
        assertEquals(expected, response.statusCode(), () -> response.uri() + ": " + response.body());
    }
}
