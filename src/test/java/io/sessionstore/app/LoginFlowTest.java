package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class LoginFlowTest {

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
    void login_welcome_visits_logout_fullFlow() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> login = browser.login(app, "  Carol@Example.COM ");
        assertEquals(303, login.statusCode());
        assertEquals("/", login.headers().firstValue("Location").orElseThrow());
        String sessionId = browser.cookie("SESSION");
        assertNotNull(sessionId, "login sets the SESSION cookie");
        assertEquals(1, redis.number("EXISTS", app.keyPrefix() + "session:{" + sessionId + "}"));

        for (int expected = 1; expected <= 3; expected++) {
            HttpResponse<String> page = browser.get(app.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("carol@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }

        HttpResponse<String> logout = browser.logout(app);
        assertEquals(303, logout.statusCode());
        assertEquals("/login", logout.headers().firstValue("Location").orElseThrow());
        assertEquals(0, redis.number("EXISTS", app.keyPrefix() + "session:{" + sessionId + "}"));
        HttpResponse<String> after = browser.get(app.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", after.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void getLogin_anonymous_createsNoSessionAndNoKey() throws Exception {
        // The other test of this class may have left its visit counter under the same prefix.
        Set<String> before = Set.copyOf(redis.keys(app.keyPrefix()));
        WebClient browser = new WebClient();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> page = browser.get(app.url("/login"));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("name=\"email\""));
        }
        assertEquals(null, browser.cookie("SESSION"));
        assertEquals(before, Set.copyOf(redis.keys(app.keyPrefix())));
    }
}
