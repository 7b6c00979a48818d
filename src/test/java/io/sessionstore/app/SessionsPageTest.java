package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Your sessions" on two nodes of the demo: the list of an email's sessions with their browsers, and the two
 * buttons, whose effect the other node's browser sees at its next page.
 */
@NeedsRedis
class SessionsPageTest {

    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final Pattern ROW = Pattern.compile("<li class=\"session[^\"]*\">");

    private static final String PREFIX = TestRedis.uniquePrefix("sessions-page");
    private static TestApp a;
    private static TestApp b;

    @BeforeAll
    static void start() throws Exception {
        a = TestApp.start(Map.of("KEY_PREFIX", PREFIX));
        b = TestApp.start(Map.of("KEY_PREFIX", PREFIX));
    }

    @AfterAll
    static void stop() throws Exception {
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
        a.close();
        b.close();
    }

    @Test
    void sessionsPage_twoBrowsersOnTwoNodes_listsBothWithTheirBrowserAndThisOne() throws Exception {
        WebClient firefox = new WebClient(FIREFOX);
        WebClient chrome = new WebClient(CHROME);
        firefox.login(a, "gina@example.com");
        chrome.login(b, "gina@example.com");

        HttpResponse<String> page = firefox.get(a.url("/sessions"));

        assertEquals(200, page.statusCode());
        assertEquals(2, rows(page.body()), page.body());
        assertTrue(page.body().contains("Firefox 128 on Linux"), page.body());
        assertTrue(page.body().contains("Chrome 131 on Windows 10"), page.body());
        assertEquals(1, page.body().split("this browser", -1).length - 1, "one row is this browser");
        assertTrue(page.body().indexOf("Firefox 128 on Linux") < page.body().indexOf("this browser"));
        assertFalse(page.body().contains("Gecko/20100101"), "no raw User-Agent");
        assertEquals("no-store", Pages.header(page, "Cache-Control"));
        assertTrue(firefox.get(a.url("/")).body().contains("id=\"your-sessions\""), "the welcome page links it");
    }

    @Test
    void logOutOtherSessions_theOtherNodesBrowserIsSignedOutThisOneIsNot() throws Exception {
        WebClient here = new WebClient(FIREFOX);
        WebClient there = new WebClient(CHROME);
        here.login(a, "hal@example.com");
        there.login(b, "hal@example.com");
        assertEquals(200, there.get(b.url("/")).statusCode());

        HttpResponse<String> answer = here.post(a.url("/sessions"), Map.of("csrf", here.cookie("CSRF"),
                "action", "others"));

        assertEquals(303, answer.statusCode());
        assertEquals("/sessions", answer.headers().firstValue("Location").orElseThrow());
        assertEquals("/login", there.get(b.url("/")).headers().firstValue("Location").orElseThrow(),
                "the other browser's next page is the login page");
        assertEquals(1, rows(here.get(a.url("/sessions")).body()));
        assertEquals(200, here.get(b.url("/")).statusCode(), "this browser stays signed in, on either node");
    }

    @Test
    void logOutEverywhere_bothBrowsersSignedOut() throws Exception {
        WebClient here = new WebClient(FIREFOX);
        WebClient there = new WebClient(CHROME);
        here.login(b, "ida@example.com");
        there.login(a, "ida@example.com");
        assertEquals(200, there.get(a.url("/")).statusCode());

        HttpResponse<String> answer = here.post(b.url("/sessions"), Map.of("csrf", here.cookie("CSRF"),
                "action", "everywhere"));

        assertEquals(303, answer.statusCode());
        assertEquals("/login", answer.headers().firstValue("Location").orElseThrow());
        assertEquals(303, there.get(a.url("/")).statusCode());
        assertEquals(303, here.get(a.url("/")).statusCode());
    }

    @Test
    void post_withoutTheCsrfTokenOrWithAnUnknownAction_refusedAndNothingEnded() throws Exception {
        WebClient here = new WebClient(FIREFOX);
        WebClient there = new WebClient(CHROME);
        here.login(a, "jo@example.com");
        there.login(b, "jo@example.com");

        HttpResponse<String> forged = here.post(a.url("/sessions"), Map.of("csrf", "forged", "action", "everywhere"));
        HttpResponse<String> unknown = here.post(a.url("/sessions"), Map.of("csrf", here.cookie("CSRF"),
                "action", "all"));

        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("Open the page again with the link below"), forged.body());
        assertTrue(forged.body().contains("<a href=\"/sessions\">Open the page again</a>"), forged.body());
        assertFalse(forged.body().contains("Reload"), "reloading would send the same form again");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("The action must be"), unknown.body());
        Pages.assertNoStackTrace(unknown);
        assertEquals(2, rows(here.get(a.url("/sessions")).body()));
        assertEquals(200, there.get(b.url("/")).statusCode());
    }

    @Test
    void sessionsPage_moreSessionsThanShown_thisOneAndTheNewestWithTheCountOfTheRest() throws Exception {
        WebClient here = new WebClient(FIREFOX);
        here.login(a, "kai@example.com");
        for (int i = 0; i < SessionsServlet.MAX_ROWS + 5; i++) {
            new WebClient(CHROME).login(b, "kai@example.com");
        }

        String body = here.get(a.url("/sessions")).body();

        assertEquals(SessionsServlet.MAX_ROWS, rows(body));
        assertTrue(body.indexOf("this browser") < body.indexOf("Chrome 131"), "this browser comes first");
        assertTrue(body.contains("And 6 older sessions."), body);
    }

    @Test
    void sessionsPage_notSignedIn_toTheLoginPage() throws Exception {
        HttpResponse<String> page = new WebClient().get(a.url("/sessions"));

        assertEquals(303, page.statusCode());
        assertEquals("/login", page.headers().firstValue("Location").orElseThrow());
    }

    private static int rows(String body) {
        Matcher matcher = ROW.matcher(body);
        int rows = 0;
        while (matcher.find()) {
            rows++;
        }
        return rows;
    }
}
