package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The headers every response of the application carries, and no-store on the pages that show a person's data. */
@NeedsRedis
class SecurityHeadersTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void everyResponse_anyStatus_carriesSecurityHeaders() throws Exception {
        WebClient browser = new WebClient();
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("GET / logged out", browser.get(fixture.url("/")));
        answers.put("GET /login", browser.get(fixture.url("/login")));
        answers.put("POST /login invalid", browser.post(fixture.url("/login"),
                Map.of("email", "nope", "csrf", browser.cookie("CSRF"))));
        answers.put("POST /login without csrf", browser.post(fixture.url("/login"), Map.of("email", "a@b.co")));
        answers.put("POST /login too large", browser.post(fixture.url("/login"), "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString("x=" + "y".repeat(FormBody.MAX_BYTES))));
        answers.put("POST /login", browser.login(fixture.app(), "headers@example.com"));
        answers.put("GET / logged in", browser.get(fixture.url("/")));
        answers.put("GET /health", browser.get(fixture.url("/health")));
        answers.put("GET /style.css", browser.get(fixture.url("/style.css")));
        answers.put("GET /nope", browser.get(fixture.url("/nope")));
        answers.put("GET /logout", browser.get(fixture.url("/logout")));
        answers.put("POST /logout", browser.logout(fixture.app()));

        answers.forEach((what, answer) -> {
            String csp = Pages.header(answer, "Content-Security-Policy");
            assertNotNull(csp, what + " (" + answer.statusCode() + ") has no Content-Security-Policy");
            assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp);
            assertTrue(csp.contains("default-src 'none'"), what + ": " + csp);
            assertEquals("nosniff", Pages.header(answer, "X-Content-Type-Options"), what);
            assertEquals("no-referrer", Pages.header(answer, "Referrer-Policy"), what);
        });
        assertEquals(Map.of("GET / logged out", 303, "GET /login", 200, "POST /login invalid", 400,
                        "POST /login without csrf", 403, "POST /login too large", 413, "POST /login", 303,
                        "GET / logged in", 200, "GET /health", 200, "GET /style.css", 200, "GET /nope", 404),
                Map.copyOf(statuses(answers, 10)));
    }

    @Test
    void pagesWithPersonalData_200And400_cacheControlNoStore() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> form = browser.get(fixture.url("/login"));
        HttpResponse<String> invalid = browser.post(fixture.url("/login"),
                Map.of("email", "nope", "csrf", browser.cookie("CSRF")));
        browser.login(fixture.app(), "nostore@example.com");
        HttpResponse<String> welcome = browser.get(fixture.url("/"));

        assertEquals(200, form.statusCode());
        assertEquals("no-store", Pages.header(form, "Cache-Control"));
        assertEquals(400, invalid.statusCode());
        assertEquals("no-store", Pages.header(invalid, "Cache-Control"));
        assertEquals(200, welcome.statusCode());
        assertEquals("no-store", Pages.header(welcome, "Cache-Control"));
    }

    private static Map<String, Integer> statuses(Map<String, HttpResponse<String>> answers, int first) {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        answers.entrySet().stream().limit(first).forEach(e -> statuses.put(e.getKey(), e.getValue().statusCode()));
        return statuses;
    }
}
