package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SESSION_STORE=container: Tomcat's in-memory sessions; Redis keeps only the visit counters. */
class ContainerSessionsTest {

    private static TestApp app;
    private static RespClient redis;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("SESSION_STORE", "container"));
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.deleteKeys(app.keyPrefix());
        redis.close();
        app.close();
    }

    @Test
    void loginAndVisits_containerSessions_onlyTheVisitsKeyInRedis() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(200, browser.get(app.url("/login")).statusCode());
        assertNull(browser.cookie("JSESSIONID"), "the login form creates no session");

        HttpResponse<String> login = browser.login(app, "Container@Example.com");

        assertEquals(303, login.statusCode());
        assertEquals("/", Pages.header(login, "Location"));
        assertNotNull(browser.cookie("JSESSIONID"));
        assertNull(browser.cookie("SESSION"));
        for (int expected = 1; expected <= 3; expected++) {
            HttpResponse<String> page = browser.get(app.url("/"));
            assertEquals("container@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }
        assertEquals("3", redis.text("HGET", app.keyPrefix() + "visits:container@example.com", "count"));
        List<String> otherKeys = redis.keys(app.keyPrefix()).stream()
                .filter(key -> !key.startsWith(app.keyPrefix() + "visits:")).toList();
        assertEquals(List.of(), otherKeys, "no session key, only visit counters");
    }

    @Test
    void loginAgain_containerSessions_sessionIdChanged() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "again@example.com");
        String first = browser.cookie("JSESSIONID");

        browser.login(app, "again2@example.com");

        assertNotEquals(first, browser.cookie("JSESSIONID"));
        assertEquals("again2@example.com", WebClient.email(browser.get(app.url("/"))));
    }

    @Test
    void logout_containerSessions_303ToLoginAndLoggedOut() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "bye@example.com");
        assertEquals(200, browser.get(app.url("/")).statusCode());

        assertEquals(303, browser.logout(app).statusCode());

        HttpResponse<String> after = browser.get(app.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", Pages.header(after, "Location"));
    }
}
