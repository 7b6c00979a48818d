package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpSession;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's session listeners (Servlet 6.1, section 11.2), registered with
 * {@code ServletContext.addListener} as an application would, told by the real filter of what requests do to their
 * sessions, across requests.
 */
class SessionListenersTest {

    private static FilterHarness web;
    private FilterHarness.Client client;

    @BeforeAll
    static void startTomcat() throws Exception {
        web = FilterHarness.start();
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        web.close();
    }

    @BeforeEach
    void app() {
        web.reset();
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
