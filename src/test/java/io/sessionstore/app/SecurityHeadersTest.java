package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The headers every response of the application carries, and no-store on the pages that show a person's data. */
class SecurityHeadersTest {

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
    void everyResponse_anyStatus_carriesSecurityHeaders() throws Exception {
        WebClient browser = new WebClient();
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("GET / logged out", browser.get(app.url("/")));
        answers.put("GET /login", browser.get(app.url("/login")));
        answers.put("POST /login invalid", browser.post(app.url("/login"),
                Map.of("email", "nope", "csrf", browser.cookie("CSRF"))));
        answers.put("POST /login without csrf", browser.post(app.url("/login"), Map.of("email", "a@b.co")));
        answers.put("POST /login too large", browser.post(app.url("/login"), "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString("x=" + "y".repeat(FormBody.MAX_BYTES))));
        answers.put("POST /login", browser.login(app, "headers@example.com"));
        answers.put("GET / logged in", browser.get(app.url("/")));
        answers.put("GET /health", browser.get(app.url("/health")));
        answers.put("GET /style.css", browser.get(app.url("/style.css")));
        answers.put("GET /nope", browser.get(app.url("/nope")));
        answers.put("GET /logout", browser.get(app.url("/logout")));
        answers.put("POST /logout", browser.logout(app));

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
        HttpResponse<String> form = browser.get(app.url("/login"));
        HttpResponse<String> invalid = browser.post(app.url("/login"),
                Map.of("email", "nope", "csrf", browser.cookie("CSRF")));
        browser.login(app, "nostore@example.com");
        HttpResponse<String> welcome = browser.get(app.url("/"));

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
