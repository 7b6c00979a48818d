package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-context dispatch (Servlet 6.1, section 7.3: a session is scoped to its application, never shared): three
 * applications on one embedded Tomcat, {@code /a} (allowed to dispatch into the others) and {@code /b} each with the
 * filter over a store of its own, mapped for every dispatch type as the initializer maps it, and {@code /c} on the
 * container's sessions. Each shows its own session's attribute {@code app} and id.
 */
class CrossContextDispatchTest {

    private static final InMemorySessionStore STORE_A = new InMemorySessionStore();
    private static final InMemorySessionStore STORE_B = new InMemorySessionStore();
    private static TestTomcat tomcat;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        tomcat = TestTomcat.create();
        Context a = application("/a");
        a.setCrossContext(true);
        TestTomcat.filterEveryPath(a, new SessionFilter(SessionSettings.builder().build(), STORE_A),
                DispatcherType.values());
        Tomcat.addServlet(a, "dispatch", new Dispatching());
        a.addServletMappingDecoded("/forward", "dispatch");
        a.addServletMappingDecoded("/include", "dispatch");
        TestTomcat.filterEveryPath(application("/b"),
                new SessionFilter(SessionSettings.builder().build(), STORE_B), DispatcherType.values());
        application("/c");
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    @Test
    void forward_intoAnotherApplicationWithTheFilter_itsOwnSessionAndTheCallersKept() throws Exception {
        String a = get("/a/show").body().strip();
        String forwarded = get("/a/forward?to=/b").body().strip();
        assertTrue(forwarded.startsWith("app=b "), "the other application's own session: " + forwarded);
        assertNotEquals(id(a), id(forwarded));
        assertEquals(1, STORE_B.size(), "kept in that application's store");
        assertEquals(a, get("/a/show").body().strip(), "the caller's session and cookie unchanged");
    }

    @Test
    void include_intoAnotherApplicationWithTheFilter_eachSideSeesItsOwnSession() throws Exception {
        String a = get("/a/show").body().strip();
        List<String> lines = get("/a/include?to=/b").body().lines().toList();
        assertTrue(lines.get(0).startsWith("app=b "), "included: the other application's session: " + lines);
        assertEquals(a, lines.get(1), "after the include, the caller's own session: " + lines);
        assertEquals(a, get("/a/show").body().strip());
    }

    @Test
    void forward_intoAnApplicationOnContainerSessions_theContainersSessionNotTheCallers() throws Exception {
        String a = get("/a/show").body().strip();
        String forwarded = get("/a/forward?to=/c").body().strip();
        assertTrue(forwarded.startsWith("app=c "), "the container's session of that application: " + forwarded);
        assertNotEquals(id(a), id(forwarded));
        assertFalse(STORE_A.size() > 1, "nothing of it in the caller's store");
        assertEquals(a, get("/a/show").body().strip());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tomcat.uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response;
    }

    private static String id(String line) {
        return line.substring(line.indexOf("id=") + 3);
    }

    /** An application whose {@code /show} prints its session's {@code app} attribute, set to its name when new. */
    private static Context application(String path) throws IOException {
        Context context = tomcat.addContext(path);
        Tomcat.addServlet(context, "show", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpSession session = request.getSession();
                if (session.isNew()) {
                    session.setAttribute("app", path.substring(1));
                }
                response.getWriter().println("app=" + session.getAttribute("app") + " id=" + session.getId());
            }
        });
        context.addServletMappingDecoded("/show", "show");
        return context;
    }

    /** Forwards to, or includes, {@code /show} of the application named by the parameter {@code to}. */
    private static final class Dispatching extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            var dispatcher = getServletContext().getContext(request.getParameter("to")).getRequestDispatcher("/show");
            if (request.getServletPath().equals("/forward")) {
                dispatcher.forward(request, response);
                return;
            }
            dispatcher.include(request, response);
            HttpSession own = request.getSession();
            response.getWriter().println("app=" + own.getAttribute("app") + " id=" + own.getId());
        }
    }
}
