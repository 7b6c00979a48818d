package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Poll;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application's session listeners (Servlet 6.1, section 11.2), registered with
 * {@code ServletContext.addListener} as an application would, told by the real filter of what requests do to their
 * sessions, across requests.
 */
class SessionListenersTest {

    @RegisterExtension
    static final FilterHarness web = FilterHarness.withDefaultSettings();
    private FilterHarness.Client client;

    @BeforeEach
    void app() {
        client = web.client();
        web.on("/add", (request, response) -> request.getSession().setAttribute("item", request.getParameter("v")));
        web.on("/remove", (request, response) -> request.getSession().removeAttribute("item"));
        web.on("/rotate", (request, response) -> response.getWriter().print(request.changeSessionId()));
        web.on("/logout", (request, response) -> request.getSession().invalidate());
        web.on("/read", (request, response) -> {
            HttpSession session = request.getSession(false);
            response.getWriter().print(session == null ? "none" : session.getAttribute("item"));
        });
    }

    @Test
    void newSession_storeUnavailableAtItsFirstSave_toldDestroyedToo() throws Exception {
        web.store().failWrites();
        FilterHarness.Response page = client.get("/add?v=1");

        assertEquals(503, page.status());
        List<String> events = web.listenerEvents();
        assertTrue(!events.isEmpty() && events.get(0).startsWith("created "), events.toString());
        String id = events.get(0).substring("created ".length());
        assertEquals(List.of("created " + id, "added item=1", "destroyed " + id + " [item]", "removed item=1"),
                events);
    }

    @Test
    void sessionLife_acrossRequests_eachEventOnceInOrder() throws Exception {
        client.get("/add?v=1");
        String id = client.cookie("SESSION");
        client.get("/add?v=2");
        client.get("/read");
        String newId = client.get("/rotate").body();
        client.get("/remove");
        client.get("/add?v=3");
        client.get("/logout");
        assertEquals(List.of("created " + id, "added item=1", "replaced item=1", "idChanged " + id + " " + newId,
                "removed item=2", "added item=3", "destroyed " + newId + " [item]", "removed item=3"),
                web.listenerEvents());
    }

    @Test
    void timeout_sessionIdle_destroyedOnceWithinFiveSecondsWithItsAttributesReadable() throws Exception {
        web.on("/short", (request, response) -> {
            HttpSession session = request.getSession();
            session.setMaxInactiveInterval(1);
            session.setAttribute("item", "kept");
        });
        client.get("/short");
        long answered = System.nanoTime();
        String id = client.cookie("SESSION");
        String destroyed = "destroyed " + id + " [item]";

        Poll.until(Duration.ofSeconds(6), "sessionDestroyed of the idle session", () ->
                web.listenerEvents().contains(destroyed));
        long afterMillis = (System.nanoTime() - answered) / 1_000_000;
        Thread.sleep(1_500); // more sweeps: none tells of it again

        assertTrue(afterMillis >= 1_000, "not before its timeout: " + afterMillis + " ms");
        assertEquals(List.of("created " + id, "added item=kept", destroyed, "removed item=kept"),
                web.listenerEvents());
        assertEquals("none", client.get("/read").body());
    }

    @Test
    void access_requestsThatNeverAskForTheSession_keepItAliveAndMoveItsLastAccess() throws Exception {
        web.on("/short", (request, response) -> request.getSession().setMaxInactiveInterval(2));
        web.on("/static", (request, response) -> response.getWriter().print("css"));
        web.on("/last", (request, response) -> response.getWriter().print(
                request.getSession(false) == null ? "none" : request.getSession(false).getLastAccessedTime()));
        client.get("/short");
        long start = System.nanoTime();
        long lastStatic = 0;
        while ((System.nanoTime() - start) / 1_000_000 < 4_000) {
            client.get("/static");
            lastStatic = System.currentTimeMillis();
            Thread.sleep(400);
        }

        String last = client.get("/last").body();

        assertTrue(!last.equals("none"), "alive after 4 s of requests that never asked for it (timeout 2 s)");
        assertTrue(Math.abs(Long.parseLong(last) - lastStatic) < 1_000,
                "last access " + last + " is the previous request's, " + lastStatic);
        assertTrue(web.store().touches().size() >= 9, "touches: " + web.store().touches().size());
    }

    @Test
    void getSessionWithoutCreate_noSession_noEvent() throws Exception {
        assertEquals("none", client.get("/read").body());
        assertEquals(List.of(), web.listenerEvents());
    }

    @Test
    void invalidate_thenNewSessionInTheSameRequest_destroyedThenCreated() throws Exception {
        client.get("/add?v=1");
        String id = client.cookie("SESSION");
        web.on("/relogin", (request, response) -> {
            request.getSession().invalidate();
            request.getSession().setAttribute("item", "fresh");
        });
        client.get("/relogin");
        String newId = client.cookie("SESSION");
        assertEquals(List.of("created " + id, "added item=1", "destroyed " + id + " [item]", "removed item=1", "created " + newId,
                "added item=fresh"), web.listenerEvents());
    }
}
