package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SESSION_STORE=container: Tomcat's in-memory sessions; Redis keeps only the visit counters. */
@NeedsRedis
class ContainerSessionsTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of("SESSION_STORE", "container"));

    @Test
    void loginAndVisits_containerSessions_onlyTheVisitsKeyInRedis() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(200, browser.get(fixture.url("/login")).statusCode());
        assertNull(browser.cookie("JSESSIONID"), "the login form creates no session");

        HttpResponse<String> login = browser.login(fixture.app(), "Container@Example.com");

        assertEquals(303, login.statusCode());
        assertEquals("/", Pages.header(login, "Location"));
        assertNotNull(browser.cookie("JSESSIONID"));
        assertNull(browser.cookie("SESSION"));
        for (int expected = 1; expected <= 3; expected++) {
            HttpResponse<String> page = browser.get(fixture.url("/"));
            assertEquals("container@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }
        assertEquals("3", fixture.redis().text("HGET", fixture.visitsKey("container@example.com"), "count"));
        List<String> otherKeys = fixture.redis().keys(fixture.keyPrefix()).stream()
                .filter(key -> !key.startsWith(fixture.keyPrefix() + "visits:")).toList();
        assertEquals(List.of(), otherKeys, "no session key, only visit counters");
    }

    @Test
    void loginAgain_containerSessions_sessionIdChanged() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "again@example.com");
        String first = browser.cookie("JSESSIONID");

        browser.login(fixture.app(), "again2@example.com");

        assertNotEquals(first, browser.cookie("JSESSIONID"));
        assertEquals("again2@example.com", WebClient.email(browser.get(fixture.url("/"))));
    }

    @Test
    void logout_containerSessions_303ToLoginAndLoggedOut() throws Exception {
        WebClient browser = new WebClient();
        browser.login(fixture.app(), "bye@example.com");
        assertEquals(200, browser.get(fixture.url("/")).statusCode());

        assertEquals(303, browser.logout(fixture.app()).statusCode());

        HttpResponse<String> after = browser.get(fixture.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", Pages.header(after, "Location"));
    }
}
