package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * URL rewriting end to end (Servlet 6.1, section 7.1.3), on an embedded Tomcat with the filter over an in-memory
 * store: {@code /url} lists {@code URL} as its only tracking mode, {@code /plain} lists none (Tomcat's default,
 * {@code COOKIE} and {@code URL}, which means cookies only). A client without cookies follows the links the pages
 * make with {@code encodeURL} and the redirects they send with {@code encodeRedirectURL}.
 */
class UrlRewritingTest {

    private static final InMemorySessionStore STORE = new InMemorySessionStore();
    private static TestTomcat tomcat;

    /** No cookie handler: a client that never sends a cookie back. */
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        tomcat = TestTomcat.create();
        application("/url", EnumSet.of(SessionTrackingMode.URL));
        application("/plain", null);
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    @Test
    void urlOnly_linkFromEncodeUrl_carriesTheIdAndKeepsTheSessionWithoutCookies() throws Exception {
        HttpResponse<String> first = get("/url/count");
        assertEquals(Set.of(), Set.copyOf(first.headers().allValues("Set-Cookie")), "no cookie in URL-only mode");
        String link = first.body().lines().filter(line -> line.startsWith("link=")).findFirst().orElseThrow()
                .substring("link=".length());
        assertTrue(link.matches("/url/count;jsessionid=[A-Za-z0-9_-]{22}\\?next=1"), link);
        String id = link.substring(link.indexOf('=') + 1, link.indexOf('?'));
        assertTrue(first.body().contains("count=1"), first.body());

        HttpResponse<String> second = get(link);
        assertTrue(second.body().contains("count=2"), "the session, found from the URL: " + second.body());
        assertTrue(second.body().contains("requested=" + id + " fromURL=true fromCookie=false valid=true"),
                second.body());
    }

    @Test
    void urlOnly_redirectFromEncodeRedirectUrl_carriesTheId() throws Exception {
        HttpResponse<String> redirect = get("/url/redirect");
        assertEquals(302, redirect.statusCode());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches(".*/url/count;jsessionid=[A-Za-z0-9_-]{22}"), location);
        assertTrue(get(location.replaceAll("^https?://[^/]+", "")).body().contains("count=2"),
                "the redirect's session, counted once by the redirect and once here");
    }

    @Test
    void urlOnly_linkOutOfTheApplication_neverGetsTheId() throws Exception {
        String body = get("/url/count").body();
        assertTrue(body.contains("outside=/plain/count\n"), body);
        assertTrue(body.contains("elsewhere=http://example.com/url/count\n"), body);
    }

    @Test
    void defaultTrackingModes_noIdInUrlsAndNoneReadFromThem() throws Exception {
        HttpResponse<String> first = get("/plain/count");
        assertTrue(first.body().contains("link=/plain/count?next=1\n"), "cookies only: " + first.body());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        String id = cookie.substring("SESSION=".length(), cookie.indexOf(';'));
        HttpResponse<String> byUrl = get("/plain/count;jsessionid=" + id);
        assertTrue(byUrl.body().contains("count=1"), "an id in the URL is not read: a new session " + byUrl.body());
        assertFalse(byUrl.body().contains("requested=" + id), byUrl.body());
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(tomcat.uri(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * An application with the filter whose {@code /count} counts the session's requests and prints links made with
     * {@code encodeURL}, and whose {@code /redirect} counts and redirects to {@code /count}.
     *
     * @param modes the tracking modes it lists, or null for none
     */
    private static void application(String path, Set<SessionTrackingMode> modes) throws IOException {
        Context context = tomcat.addContext(path);
        if (modes != null) {
            context.addServletContainerInitializer((classes, servletContext) ->
                    servletContext.setSessionTrackingModes(modes), null);
        }
        TestTomcat.filterEveryPath(context, new SessionFilter(SessionSettings.builder().build(), STORE),
                DispatcherType.REQUEST);
        Tomcat.addServlet(context, "count", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                int count = count(request);
                response.getWriter().print("count=" + count + "\n"
                        + "requested=" + request.getRequestedSessionId()
                        + " fromURL=" + request.isRequestedSessionIdFromURL()
                        + " fromCookie=" + request.isRequestedSessionIdFromCookie()
                        + " valid=" + request.isRequestedSessionIdValid() + "\n"
                        + "link=" + response.encodeURL(path + "/count?next=" + count) + "\n"
                        + "outside=" + response.encodeURL("/plain/count") + "\n"
                        + "elsewhere=" + response.encodeURL("http://example.com" + path + "/count") + "\n");
            }
        });
        context.addServletMappingDecoded("/count", "count");
        Tomcat.addServlet(context, "redirect", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                count(request);
                response.sendRedirect(response.encodeRedirectURL(path + "/count"));
            }
        });
        context.addServletMappingDecoded("/redirect", "redirect");
    }

    private static int count(HttpServletRequest request) {
        HttpSession session = request.getSession();
        Integer count = (Integer) session.getAttribute("count");
        int next = count == null ? 1 : count + 1;
        session.setAttribute("count", next);
        return next;
    }
}
