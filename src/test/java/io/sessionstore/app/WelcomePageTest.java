package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /: the redirect when logged out, the visit counter and its key when logged in. */
class WelcomePageTest {

    private static TestApp app;
    private static RespClient redis;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of());
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.deleteKeys(app.keyPrefix());
        redis.close();
        app.close();
    }

    @Test
    void getWelcome_notLoggedIn_303ToLoginWithoutSessionOrKey() throws Exception {
        Set<String> keysBefore = Set.copyOf(redis.keys(app.keyPrefix()));
        WebClient browser = new WebClient();
        HttpResponse<String> answer = browser.get(app.url("/"));

        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertNull(browser.cookie("SESSION"));
        assertEquals(keysBefore, Set.copyOf(redis.keys(app.keyPrefix())));
    }

    @Test
    void getWelcome_afterLogin_countsOneAndShowsEmail() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "One@Example.com");

        HttpResponse<String> page = browser.get(app.url("/"));

        assertEquals(200, page.statusCode());
        assertEquals("one@example.com", WebClient.email(page));
        assertEquals(1, WebClient.visits(page));
        assertEquals("1", redis.text("HGET", visitsKey("one@example.com"), "count"));
        assertTrue(page.body().contains("name=\"csrf\" value=\"" + browser.cookie("CSRF") + "\""),
                "the logout form carries the CSRF token");
    }

    @Test
    void getWelcome_eachVisit_incrementsCountAndRenewsDefaultTtlOf30s() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "ttl@example.com");

        for (int expected = 1; expected <= 4; expected++) {
            assertEquals(expected, WebClient.visits(browser.get(app.url("/"))));
            long ttl = redis.number("TTL", visitsKey("ttl@example.com"));
            assertTrue(ttl > 25 && ttl <= 30, "TTL after a visit should be about 30 s, was " + ttl);
        }
        assertEquals("4", redis.text("HGET", visitsKey("ttl@example.com"), "count"));
    }

    @Test
    void getWelcome_twoBrowsersSameEmail_shareTheCounter() throws Exception {
        WebClient laptop = new WebClient();
        WebClient phone = new WebClient();
        laptop.login(app, "shared@example.com");
        phone.login(app, "SHARED@example.com ");

        assertEquals(1, WebClient.visits(laptop.get(app.url("/"))));
        assertEquals(2, WebClient.visits(phone.get(app.url("/"))));
        assertEquals(3, WebClient.visits(laptop.get(app.url("/"))));
        assertEquals("shared@example.com", WebClient.email(phone.get(app.url("/"))));
    }

    @Test
    void getWelcome_twoBrowsersDifferentEmails_separateCounters() throws Exception {
        WebClient alice = new WebClient();
        WebClient bob = new WebClient();
        alice.login(app, "alice@example.com");
        bob.login(app, "bob@example.com");

        assertEquals(1, WebClient.visits(alice.get(app.url("/"))));
        assertEquals(2, WebClient.visits(alice.get(app.url("/"))));
        assertEquals(1, WebClient.visits(bob.get(app.url("/"))));
    }

    @Test
    void getWelcome_emailWithMarkupCharacters_shownEscaped() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "o'brien+tag@example.co.uk");

        HttpResponse<String> page = browser.get(app.url("/"));

        assertEquals(200, page.statusCode());
        assertEquals("o&#039;brien+tag@example.co.uk", WebClient.email(page));
    }

    private static String visitsKey(String email) {
        return app.keyPrefix() + "visits:" + email;
    }
}
