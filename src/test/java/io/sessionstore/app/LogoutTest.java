package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /logout. */
class LogoutTest {

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
    void postLogout_withCsrf_sessionKeyDeletedCookieCleared303ToLogin() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "leaving@example.com");
        String id = browser.cookie("SESSION");
        assertNotNull(id);

        HttpResponse<String> answer = browser.logout(app);

        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertEquals(0, redis.number("EXISTS", sessionKey(id)));
        String cleared = answer.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow();
        assertTrue(cleared.startsWith("SESSION=;") && cleared.contains("Max-Age=0"), cleared);
        assertNull(browser.cookie("SESSION"));
        HttpResponse<String> after = browser.get(app.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", Pages.header(after, "Location"));
    }

    @Test
    void postLogout_oldCookieReplayed_stillLoggedOut() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "replay@example.com");
        String id = browser.cookie("SESSION");
        browser.logout(app);

        WebClient replay = new WebClient();
        replay.setCookie(app.url("/"), "SESSION", id);
        HttpResponse<String> answer = replay.get(app.url("/"));

        assertEquals(303, answer.statusCode());
        assertEquals(0, redis.number("EXISTS", sessionKey(id)));
    }

    @Test
    void postLogout_withoutCsrf_403AndStillLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "staying@example.com");
        String id = browser.cookie("SESSION");

        HttpResponse<String> answer = browser.post(app.url("/logout"), Map.of());

        assertEquals(403, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertEquals(1, redis.number("EXISTS", sessionKey(id)));
        assertEquals(200, browser.get(app.url("/")).statusCode());
    }

    @Test
    void postLogout_wrongCsrf_403AndStillLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "staying2@example.com");

        HttpResponse<String> answer = browser.post(app.url("/logout"), Map.of("csrf", "B".repeat(32)));

        assertEquals(403, answer.statusCode());
        assertEquals("staying2@example.com", WebClient.email(browser.get(app.url("/"))));
    }

    @Test
    void postLogout_notLoggedIn_303ToLogin() throws Exception {
        WebClient browser = new WebClient();
        browser.get(app.url("/login"));
        HttpResponse<String> answer = browser.logout(app);
        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void getLogout_405WithoutTrace() throws Exception {
        WebClient browser = new WebClient();
        browser.login(app, "get@example.com");

        HttpResponse<String> answer = browser.get(app.url("/logout"));

        assertEquals(405, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertEquals(200, browser.get(app.url("/")).statusCode(), "a GET never logs out");
    }

    private static String sessionKey(String id) {
        return app.keyPrefix() + "session:{" + id + "}";
    }
}
