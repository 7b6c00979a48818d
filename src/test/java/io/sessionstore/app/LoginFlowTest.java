package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@NeedsRedis
class LoginFlowTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void login_welcome_visits_logout_fullFlow() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> login = browser.login(fixture.app(), "  Carol@Example.COM ");
        assertEquals(303, login.statusCode());
        assertEquals("/", login.headers().firstValue("Location").orElseThrow());
        String sessionId = browser.cookie("SESSION");
        assertNotNull(sessionId, "login sets the SESSION cookie");
        assertEquals(1, fixture.redis().number("EXISTS", fixture.sessionKey(sessionId)));

        for (int expected = 1; expected <= 3; expected++) {
            HttpResponse<String> page = browser.get(fixture.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("carol@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }

        HttpResponse<String> logout = browser.logout(fixture.app());
        assertEquals(303, logout.statusCode());
        assertEquals("/login", logout.headers().firstValue("Location").orElseThrow());
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(sessionId)));
        HttpResponse<String> after = browser.get(fixture.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", after.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void getLogin_anonymous_createsNoSessionAndNoKey() throws Exception {
        // The other test of this class may have left its visit counter under the same prefix.
        Set<String> before = Set.copyOf(fixture.redis().keys(fixture.keyPrefix()));
        WebClient browser = new WebClient();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> page = browser.get(fixture.url("/login"));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("name=\"email\""));
        }
        assertEquals(null, browser.cookie("SESSION"));
        assertEquals(before, Set.copyOf(fixture.redis().keys(fixture.keyPrefix())));
    }
}
