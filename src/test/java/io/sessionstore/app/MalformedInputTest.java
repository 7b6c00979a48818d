package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.WebClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile or broken requests: never a stack trace, never a key of the client's choosing. */
@NeedsRedis
class MalformedInputTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void anyRequest_8KiBCookieHeader_400WithoutTrace() throws Exception {
        HttpResponse<String> answer = new WebClient().getWithHeaders(fixture.url("/"),
                "Cookie", "junk=" + "x".repeat(8 * 1024));

        assertEquals(400, answer.statusCode());
        Pages.assertNoStackTrace(answer);
    }

    @Test
    void getWelcome_8KiBSessionCookie_400WithoutTraceAndNoKey() throws Exception {
        Set<String> before = keys();
        HttpResponse<String> answer = new WebClient().getWithHeaders(fixture.url("/"),
                "Cookie", "SESSION=" + "A".repeat(8 * 1024));

        assertEquals(400, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertEquals(before, keys());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SESSION=", "SESSION=\"\"", "SESSION=abc!def$ghi%jkl^mno&pq", "SESSION=../../../../etc/passwd",
            "SESSION=*", "SESSION={", "SESSION=}{", "SESSION=abcdefghijklmnopqrstu", "SESSION=abcdefghijklmnopqrstuvw",
            "SESSION=abcdefghij{klmnopqrstu", "SESSION=abcdefghij*klmnopqrstu", "SESSION=abcdefghijk/lmnopqrstu",
            "SESSION=abcdefghijklmnopqrst%3D"})
    void getWelcome_malformedSessionCookie_treatedAsNoSessionAndNoKey(String cookie) throws Exception {
        Set<String> before = keys();
        WebClient browser = new WebClient();

        HttpResponse<String> welcome = browser.getWithHeaders(fixture.url("/"), "Cookie", cookie);
        HttpResponse<String> login = browser.getWithHeaders(fixture.url("/login"), "Cookie", cookie);

        assertEquals(303, welcome.statusCode(), welcome.body());
        assertEquals("/login", Pages.header(welcome, "Location"));
        assertEquals(200, login.statusCode());
        Pages.assertNoStackTrace(welcome);
        Pages.assertNoStackTrace(login);
        assertEquals(before, keys());
    }

    @Test
    void getWelcome_8KiBCookieJustUnderTheHeaderLimit_noTrace() throws Exception {
        Set<String> before = keys();
        HttpResponse<String> answer = new WebClient().getWithHeaders(fixture.url("/"),
                "Cookie", "SESSION=" + "A".repeat(7 * 1024));

        assertEquals(303, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertEquals(before, keys());
    }

    @Test
    void getWelcome_unknownWellFormedSessionId_treatedAsNoSessionAndNoKey() throws Exception {
        String id = "AAAAAAAAAAAAAAAAAAAAAA";
        WebClient browser = new WebClient();
        browser.setCookie(fixture.url("/"), "SESSION", id);

        HttpResponse<String> answer = browser.get(fixture.url("/"));

        assertEquals(303, answer.statusCode());
        assertEquals("/login", Pages.header(answer, "Location"));
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
    }

    @Test
    void postLogin_malformedSessionCookie_logsInWithFreshId() throws Exception {
        WebClient browser = new WebClient();
        browser.plantCookie(fixture.url("/"), "SESSION", "../../x");

        HttpResponse<String> answer = browser.login(fixture.app(), "fresh@example.com");

        assertEquals(303, answer.statusCode());
        assertNotEquals("../../x", browser.cookie("SESSION"));
        assertEquals("fresh@example.com", WebClient.email(browser.get(fixture.url("/"))));
        // The new session's expiry entry is sent in the background: it lands now, not during another test (another
        // session's entry may have made its sorted set already, so this waits for this session's own).
        String id = browser.cookie("SESSION");
        Poll.until(Duration.ofSeconds(5), "the session's expiry index entry sent", () -> {
            for (String key : fixture.redis().keys(fixture.keyPrefix() + "expiries:")) {
                if (fixture.redis().call("ZSCORE", key, id) != null) {
                    return true;
                }
            }
            return false;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/WEB-INF/web.xml", "/WEB-INF/jsp/welcome.jsp", "/login/extra", "/health/x"})
    void get_unknownPath_404ErrorPageWithoutTrace(String path) throws Exception {
        HttpResponse<String> answer = new WebClient().get(fixture.url(path));

        assertEquals(404, answer.statusCode());
        assertTrue(answer.body().contains("Page not found"), answer.body());
        Pages.assertNoStackTrace(answer);
    }

    @Test
    void putLogout_405ErrorPageWithoutTrace() throws Exception {
        HttpResponse<String> answer = new WebClient().send(HttpRequest.newBuilder(URI.create(fixture.url("/logout")))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(405, answer.statusCode());
        assertTrue(answer.body().contains("That request could not be handled"), answer.body());
        Pages.assertNoStackTrace(answer);
    }

    private static Set<String> keys() throws Exception {
        return Set.copyOf(fixture.redis().keys(fixture.keyPrefix()));
    }
}
