package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /login: validation, escaping, CSRF, size limits, and what does not log in. */
@NeedsRedis
class LoginFormTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void postLogin_invalidEmail_400FormWithAlertAndEscapedValue() throws Exception {
        List<String> sessionsBefore = fixture.redis().keys(fixture.keyPrefix() + "session:");
        WebClient browser = new WebClient();
        String typed = "o'brien+<b>x</b>@example.com";

        HttpResponse<String> page = browser.login(fixture.app(), typed);

        assertEquals(400, page.statusCode());
        assertEquals("The part before the @ is not valid.", Pages.alert(page));
        assertFalse(page.body().contains("<b>"), page.body());
        assertFalse(page.body().contains("o'brien"), page.body());
        assertTrue(page.body().contains("value=\"o&#039;brien+&lt;b&gt;x&lt;/b&gt;@example.com\""), page.body());
        assertTrue(page.body().contains("name=\"csrf\" value=\"" + browser.cookie("CSRF") + "\""), page.body());
        assertEquals("no-store", Pages.header(page, "Cache-Control"));
        assertNull(browser.cookie("SESSION"));
        assertEquals(Set.copyOf(sessionsBefore), Set.copyOf(fixture.redis().keys(fixture.keyPrefix() + "session:")));
    }

    @Test
    void postLogin_markupInQuotedAttribute_neverBreaksOutOfTheInput() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> page = browser.login(fixture.app(), "\"><script>alert(1)</script>");

        assertEquals(400, page.statusCode());
        assertFalse(page.body().contains("<script>"), page.body());
        assertTrue(page.body().contains("value=\"&#034;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), page.body());
    }

    @Test
    void postLogin_emptyEmail_400AskingForIt() throws Exception {
        HttpResponse<String> page = new WebClient().login(fixture.app(), "   ");
        assertEquals(400, page.statusCode());
        assertEquals("Enter your email address.", Pages.alert(page));
    }

    @Test
    void postLogin_wrongCsrf_403AndNotLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));

        HttpResponse<String> answer = browser.post(fixture.url("/login"),
                Map.of("email", "mallory@example.com", "csrf", "A".repeat(32)));

        assertEquals(403, answer.statusCode());
        assertTrue(answer.body().contains("<a href=\"/login\">Open the page again</a>"), answer.body());
        Pages.assertNoStackTrace(answer);
        assertNull(browser.cookie("SESSION"));
        assertRedirectsToLogin(browser);
    }

    @Test
    void postLogin_missingCsrfField_403() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        HttpResponse<String> answer = browser.post(fixture.url("/login"), Map.of("email", "mallory@example.com"));
        assertEquals(403, answer.statusCode());
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void postLogin_fieldWithoutCsrfCookie_403() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> answer = browser.post(fixture.url("/login"),
                Map.of("email", "mallory@example.com", "csrf", "abcdefghijklmnopqrstuvwxyz012345"));
        assertEquals(403, answer.statusCode());
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void postLogin_bodyOver16KiBWithLength_413() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> answer = browser.post(fixture.url("/login"), "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString(oversizedLogin(browser)));
        assertEquals(413, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void postLogin_bodyOver16KiBChunked_413() throws Exception {
        WebClient browser = new WebClient();
        byte[] body = oversizedLogin(browser).getBytes(StandardCharsets.US_ASCII);
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        assertEquals(-1, chunked.contentLength(), "the body goes out without Content-Length");

        HttpResponse<String> answer = browser.post(fixture.url("/login"), "application/x-www-form-urlencoded", chunked);

        assertEquals(413, answer.statusCode());
        Pages.assertNoStackTrace(answer);
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void postLogin_jsonBody_415() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        HttpResponse<String> answer = browser.post(fixture.url("/login"), "application/json",
                HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.co\"}"));
        assertEquals(415, answer.statusCode());
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void getLogin_credentialsInQuery_formOnlyAndNotLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));

        HttpResponse<String> page = browser.get(
                fixture.url("/login?email=eve%40example.com&csrf=" + browser.cookie("CSRF")));

        assertEquals(200, page.statusCode());
        assertNull(browser.cookie("SESSION"));
        assertRedirectsToLogin(browser);
    }

    @Test
    void postLogin_credentialsOnlyInQuery_403AndNotLoggedIn() throws Exception {
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        String query = "?email=" + URLEncoder.encode("eve@example.com", StandardCharsets.UTF_8)
                + "&csrf=" + browser.cookie("CSRF");

        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(URI.create(fixture.url("/login" + query)))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("")).build());

        assertEquals(403, answer.statusCode());
        assertNull(browser.cookie("SESSION"));
        assertRedirectsToLogin(browser);
    }

    @Test
    void postLogin_alreadyLoggedIn_newSessionIdAndOldIdFindsNothing() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, browser.login(fixture.app(), "first@example.com").statusCode());
        String oldId = browser.cookie("SESSION");
        assertNotNull(oldId);

        HttpResponse<String> again = browser.login(fixture.app(), "second@example.com");

        assertEquals(303, again.statusCode());
        String newId = browser.cookie("SESSION");
        assertNotNull(newId);
        assertNotEquals(oldId, newId);
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(oldId)));
        assertEquals(1, fixture.redis().number("EXISTS", fixture.sessionKey(newId)));
        assertEquals("second@example.com", WebClient.email(browser.get(fixture.url("/"))));
        WebClient holderOfOldId = new WebClient();
        holderOfOldId.setCookie(fixture.url("/"), "SESSION", oldId);
        assertRedirectsToLogin(holderOfOldId);
    }

    @Test
    void postLogin_sessionPlantedByAttacker_victimGetsNewIdAndAttackerNothing() throws Exception {
        WebClient attacker = new WebClient();
        attacker.login(fixture.app(), "attacker@example.com");
        String plantedId = attacker.cookie("SESSION");
        WebClient victim = new WebClient();
        victim.plantCookie(fixture.url("/"), "SESSION", plantedId);

        assertEquals(303, victim.login(fixture.app(), "victim@example.com").statusCode());

        assertNotEquals(plantedId, victim.cookie("SESSION"));
        assertEquals("victim@example.com", WebClient.email(victim.get(fixture.url("/"))));
        assertRedirectsToLogin(attacker);
    }

    private String oversizedLogin(WebClient browser) throws Exception {
        browser.get(fixture.url("/login"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", browser.cookie("CSRF"));
        form.put("email", "big@example.com");
        form.put("padding", "x".repeat(FormBody.MAX_BYTES));
        return WebClient.formBody(form);
    }

    private static void assertRedirectsToLogin(WebClient browser) throws Exception {
        HttpResponse<String> welcome = browser.get(fixture.url("/"));
        assertEquals(303, welcome.statusCode());
        assertEquals("/login", Pages.header(welcome, "Location"));
    }
}
