package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /logout. */
@NeedsRedis
class LogoutTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void postLogout_withCsrf_sessionKeyDeletedCookieCleared303ToLogin() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "leaving@example.com");
        String id = browser.cookie("SESSION");
        assertNotNull(id);

        HttpResponse<String> answer = browser.logout(fixture.app());

        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
        String cleared = answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow();
        assertTrue(cleared.startsWith("SESSION=;") && cleared.contains("Max-Age=0"), cleared);
        assertNull(browser.cookie("SESSION"));
        HttpResponse<String> after = browser.get(fixture.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", Pages.header(after, "Location"));
    }

    @Test
    void postLogout_oldCookieReplayed_stillLoggedOut() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "replay@example.com");
        String id = browser.cookie("SESSION");
        browser.logout(fixture.app());

        WebClient replay = new WebClient();
        replay.setCookie(fixture.url("/"), "SESSION", id);
        HttpResponse<String> answer = replay.get(fixture.url("/"));

        assertEquals(303, answer.statusCode());
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
    }

    @Test
    void postLogout_withoutCsrf_403AndStillLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "staying@example.com");
        String id = browser.cookie("SESSION");

        HttpResponse<String> answer = browser.post(fixture.url("/logout"), Map.of());

        assertEquals(403, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertEquals(1, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
        assertEquals(200, browser.get(fixture.url("/")).statusCode());
    }

    @Test
    void postLogout_wrongCsrf_403LinkingToTheWelcomePageAndStillLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "staying2@example.com");

        HttpResponse<String> answer = browser.post(fixture.url("/logout"), Map.of("csrf", "B".repeat(32)));

        assertEquals(403, answer.statusCode());
        assertTrue(answer.body().contains("<a href=\"/\">Open the page again</a>"),
                "the link leads back to the welcome page, whose button logs out: " + answer.body());
        assertEquals("staying2@example.com", WebClient.email(browser.get(fixture.url("/"))));
    }

    @Test
    void postLogout_notLoggedIn_303ToLogin() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        HttpResponse<String> answer = browser.logout(fixture.app());
        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void getLogout_toTheWelcomePageWithItsLogoutButton() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "get@example.com");

        HttpResponse<String> answer = browser.get(fixture.url("/logout"));

        assertEquals(303, answer.statusCode());
        assertEquals("/", Pages.header(answer, "Location"));
        assertEquals(200, browser.get(fixture.url("/")).statusCode(), "a GET never logs out");
    }
}
