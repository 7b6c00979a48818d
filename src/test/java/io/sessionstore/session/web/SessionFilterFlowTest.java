package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpSession;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several requests of one client through the real {@link io.sessionstore.session.SessionFilter}, cookies carried from
 * each answer to the next request, as a browser would:
 * <ul>
 *   <li>{@code /visit}: counts visits in the session, creating it</li>
 *   <li>{@code /login?user=}: a new session id, and the user in the session</li>
 *   <li>{@code /whoami}: the user, or {@code anonymous} without a session; never creates one</li>
 *   <li>{@code /logout}: invalidates the session</li>
 * </ul>
 */
class SessionFilterFlowTest {

    private static final String ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Lax";
    private static final String CLEARED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES;
    private static final long WAIT_SECONDS = 10;

    @RegisterExtension
    static final FilterHarness web = FilterHarness.withDefaultSettings();
    private CountingSessionStore store;
    private FilterHarness.Client client;

    @BeforeEach
    void app() {
        store = web.store();
        client = web.client();
        web.on("/visit", (request, response) -> {
            HttpSession session = request.getSession();
            Integer visits = (Integer) session.getAttribute("visits");
            session.setAttribute("visits", visits == null ? 1 : visits + 1);
            response.getWriter().print(session.getAttribute("visits"));
        });
        web.on("/login", (request, response) -> {
            request.getSession();
            request.changeSessionId();
            request.getSession().setAttribute("user", request.getParameter("user"));
            response.getWriter().print("welcome");
        });
        web.on("/whoami", (request, response) -> {
            HttpSession session = request.getSession(false);
            response.getWriter().print(session == null ? "anonymous" : session.getAttribute("user"));
        });
        web.on("/logout", (request, response) -> {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            response.getWriter().print("bye");
        });
    }

    @Test
    void flow_createReadChangeLoginLogout_versionCookieMovesWithEachChange() throws Exception {
        FilterHarness.Response first = client.get("/visit");
        String id = client.cookie("SESSION");
        assertEquals("1", first.body());
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), first.setCookies());

        FilterHarness.Response read = client.get("/whoami");
        assertEquals("null", read.body(), "a session without a user");
        assertEquals(List.of(), read.setCookies(), "a read of the version the client knows");

        FilterHarness.Response second = client.get("/visit");
        assertEquals("2", second.body());
        assertEquals(List.of("SESSION_V=2" + ATTRIBUTES), second.setCookies());

        FilterHarness.Response third = client.get("/visit");
        assertEquals("3", third.body());
        assertEquals(List.of("SESSION_V=3" + ATTRIBUTES), third.setCookies());

        FilterHarness.Response login = client.get("/login?user=ann");
        String loggedIn = client.cookie("SESSION");
        assertNotEquals(id, loggedIn, "a new id at login");
        assertEquals(List.of("SESSION=" + loggedIn + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), login.setCookies(),
                "the new id starts again at version 1");
        assertFalse(store.holds(id), "the id before login is gone");
        assertEquals(Map.of("visits", 3, "user", "ann"), web.storedAttributes(loggedIn));

        FilterHarness.Response whoami = client.get("/whoami");
        assertEquals("ann", whoami.body());
        assertEquals(List.of(), whoami.setCookies());

        FilterHarness.Response logout = client.get("/logout");
        assertEquals(List.of("SESSION" + CLEARED, "SESSION_V" + CLEARED), logout.setCookies());
        assertEquals(Map.of(), client.cookies());
        assertEquals(0, store.size(), "sessions stored");

        int loadsBefore = store.loads();
        FilterHarness.Response after = client.get("/whoami");
        assertEquals("anonymous", after.body());
        assertEquals(loadsBefore, store.loads(), "a client without a cookie costs no load");
        assertEquals(List.of("Create", "Update", "Update", "Rename", "Delete"), store.writeKinds());
    }

    @Test
    void logout_cookieReplayedByAnotherClient_noSession() throws Exception {
        client.get("/login?user=ann");
        FilterHarness.Client copy = web.client();
        client.cookies().forEach(copy::cookie);
        client.get("/logout");

        FilterHarness.Response replayed = copy.get("/whoami");

        assertEquals("anonymous", replayed.body());
        assertEquals(0, store.size(), "sessions stored");
    }

    @Test
    void flushBuffer_sessionSavedBeforeTheResponseStarts_nextRequestSeesItWhileTheFirstStillRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        web.on("/slow", (request, response) -> {
            request.getSession().setAttribute("user", "ann");
            response.getWriter().print("started;");
            response.flushBuffer();
            boolean released = release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            response.getWriter().print(released ? "done" : "not released");
        });

        HttpResponse<InputStream> slow = client.open("/slow");
        FilterHarness.Response whoami = client.get("/whoami");
        release.countDown();

        assertEquals("ann", whoami.body(), "the second request finds the session the first one started");
        try (InputStream body = slow.body()) {
            assertEquals("started;done", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("Create"), store.writeKinds());
    }

    @Test
    void concurrentRequests_differentAttributes_bothKept() throws Exception {
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        web.on("/hold", (request, response) -> {
            HttpSession session = request.getSession(false);
            loaded.countDown();
            boolean released = release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            session.setAttribute("held", released ? "yes" : "not released");
        });
        web.on("/set", (request, response) -> request.getSession().setAttribute("set", "yes"));
        client.get("/visit");
        String id = client.cookie("SESSION");

        CompletableFuture<FilterHarness.Response> hold = client.getAsync("/hold");
        assertTrue(loaded.await(WAIT_SECONDS, TimeUnit.SECONDS), "the held request loaded the session");
        FilterHarness.Response set = client.get("/set");
        release.countDown();
        FilterHarness.Response held = hold.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(List.of("SESSION_V=2" + ATTRIBUTES), set.setCookies());
        assertEquals(List.of("SESSION_V=3" + ATTRIBUTES), held.setCookies());
        assertEquals(Map.of("visits", 1, "held", "yes", "set", "yes"), web.storedAttributes(id));
        assertEquals(3, store.peek(id).orElseThrow().version(), "stored version");
    }
}
