package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /: the redirect when logged out, the visit counter and its key when logged in. */
@NeedsRedis
class WelcomePageTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void getWelcome_notLoggedIn_303ToLoginWithoutSessionOrKey() throws Exception {
        Set<String> keysBefore = Set.copyOf(fixture.redis().keys(fixture.keyPrefix()));
        WebClient browser = new WebClient();
        HttpResponse<String> answer = browser.get(fixture.url("/"));

        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertNull(browser.cookie("SESSION"));
        assertEquals(keysBefore, Set.copyOf(fixture.redis().keys(fixture.keyPrefix())));
    }

    @Test
    void getWelcome_afterLogin_countsOneAndShowsEmail() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "One@Example.com");

        HttpResponse<String> page = browser.get(fixture.url("/"));

        assertEquals(200, page.statusCode());
        assertEquals("one@example.com", WebClient.email(page));
        assertEquals(1, WebClient.visits(page));
        assertTrue(page.body().contains("<h1>Welcome</h1>"), "a first visit is no return: " + page.body());
        assertTrue(browser.get(fixture.url("/")).body().contains("<h1>Welcome back</h1>"));
        assertEquals("2", fixture.redis().text("HGET", fixture.visitsKey("one@example.com"), "count"));
        assertTrue(page.body().contains("name=\"csrf\" value=\"" + browser.cookie("CSRF") + "\""),
                "the logout form carries the CSRF token");
    }

    @Test
    void getWelcome_eachVisit_incrementsCountAndRenewsDefaultTtlOf30s() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "ttl@example.com");

        for (int expected = 1; expected <= 4; expected++) {
            assertEquals(expected, WebClient.visits(browser.get(fixture.url("/"))));
            long ttl = fixture.redis().number("TTL", fixture.visitsKey("ttl@example.com"));
            assertTrue(ttl > 25 && ttl <= 30, "TTL after a visit should be about 30 s, was " + ttl);
        }
        assertEquals("4", fixture.redis().text("HGET", fixture.visitsKey("ttl@example.com"), "count"));
    }

    @Test
    void getWelcome_twoBrowsersSameEmail_shareTheCounter() throws Exception {
        WebClient laptop = new WebClient();
        WebClient phone = new WebClient();
        laptop.login(fixture.app(), "shared@example.com");
        phone.login(fixture.app(), "SHARED@example.com ");

        assertEquals(1, WebClient.visits(laptop.get(fixture.url("/"))));
        assertEquals(2, WebClient.visits(phone.get(fixture.url("/"))));
        assertEquals(3, WebClient.visits(laptop.get(fixture.url("/"))));
        assertEquals("shared@example.com", WebClient.email(phone.get(fixture.url("/"))));
    }

    @Test
    void getWelcome_twoBrowsersDifferentEmails_separateCounters() throws Exception {
        WebClient alice = new WebClient();
        WebClient bob = new WebClient();
        alice.login(fixture.app(), "alice@example.com");
        bob.login(fixture.app(), "bob@example.com");

        assertEquals(1, WebClient.visits(alice.get(fixture.url("/"))));
        assertEquals(2, WebClient.visits(alice.get(fixture.url("/"))));
        assertEquals(1, WebClient.visits(bob.get(fixture.url("/"))));
    }

    @Test
    void getWelcome_emailWithMarkupCharacters_shownEscaped() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "o'brien+tag@example.co.uk");

        HttpResponse<String> page = browser.get(fixture.url("/"));

        assertEquals(200, page.statusCode());
        assertEquals("o&#039;brien+tag@example.co.uk", WebClient.email(page));
    }
}
