package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sessionstore.session.SessionSettings;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The filter honours its {@link SessionSettings}: cookie name, SameSite, session timeout and failure status. */
class SessionFilterSettingsTest {

    private static final String ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Strict";
    private static final String CLEARED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES;

    @RegisterExtension
    static final FilterHarness web = FilterHarness.withSettings(SessionSettings.builder()
            .cookieName("JSID")
            .cookieSameSite("Strict")
            .timeout(Duration.ofMinutes(5))
            .failureStatus(504)
            .build());
    private CountingSessionStore store;
    private FilterHarness.Client client;

    @BeforeEach
    void app() {
        store = web.store();
        client = web.client();
        web.on("/create", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.getWriter().print(session.getId() + "|" + session.getMaxInactiveInterval());
        });
        web.on("/read", (request, response) -> {
            HttpSession session = request.getSession(false);
            response.getWriter().print(session == null ? "none" : session.getAttribute("a"));
        });
        web.on("/invalidate", (request, response) -> request.getSession().invalidate());
    }

    @Test
    void commit_newSession_cookiesNamedAndSameSiteFromTheSettings() throws Exception {
        FilterHarness.Response page = client.get("/create");

        String id = page.body().split("\\|")[0];
        assertEquals(List.of("JSID=" + id + ATTRIBUTES, "JSID_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void getSession_newSession_timeoutFromTheSettings() throws Exception {
        FilterHarness.Response page = client.get("/create");

        String[] parts = page.body().split("\\|");
        assertEquals("300", parts[1], "getMaxInactiveInterval");
        assertEquals(300, store.peek(parts[0]).orElseThrow().maxInactiveSeconds(), "stored maxInactiveSeconds");
    }

    @Test
    void getSession_cookieOfTheConfiguredName_loaded() throws Exception {
        client.cookie("JSID", web.seed(Map.of("a", "from JSID"))).cookie("JSID_V", "1");

        FilterHarness.Response page = client.get("/read");

        assertEquals("from JSID", page.body());
        assertEquals(1, store.loads(), "loads");
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void getSession_cookieOfTheDefaultName_ignored() throws Exception {
        client.cookie("SESSION", web.seed(Map.of("a", "from SESSION"))).cookie("SESSION_V", "1");

        FilterHarness.Response page = client.get("/read");

        assertEquals("none", page.body());
        assertEquals(0, store.loads(), "loads");
    }

    @Test
    void invalidate_storedSession_configuredCookiesCleared() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        client.cookie("JSID", id).cookie("JSID_V", "1");

        FilterHarness.Response page = client.get("/invalidate");

        assertFalse(store.holds(id), "the session is gone");
        assertEquals(List.of("JSID" + CLEARED, "JSID_V" + CLEARED), page.setCookies());
    }

    @Test
    void doFilter_storeUnavailable_failureStatusFromTheSettings() throws Exception {
        client.cookie("JSID", web.seed(Map.of("a", "1")));
        store.failLoads();

        FilterHarness.Response page = client.get("/read");

        assertEquals(504, page.status());
    }
}
