package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
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
import java.util.Optional;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Async requests and error pages, on an embedded Tomcat with the real filter over an {@link InMemorySessionStore}
 * (no Redis), mapped as the initializer and the README map it: "/*" for REQUEST, ASYNC and ERROR dispatches.
 */
class SessionFilterDispatchTest {

    private final InMemorySessionStore store = new InMemorySessionStore();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(10)).build();
    private TestTomcat tomcat;

    @BeforeEach
    void start() throws Exception {
        tomcat = TestTomcat.create();
        Context context = tomcat.addRootContext();
        TestTomcat.filterEveryPath(context, new SessionFilter(SessionSettings.builder().build(), store),
                DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);

        // Sets an attribute on an async thread, through the wrapped request it was handed, then completes.
        Wrapper async = Tomcat.addServlet(context, "async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                AsyncContext ac = request.startAsync(request, response);
                ac.start(() -> {
                    ((HttpServletRequest) ac.getRequest()).getSession().setAttribute("cart", "3 items");
                    ac.complete();
                });
            }
        });
        async.setAsyncSupported(true);
        context.addServletMappingDecoded("/async", "async");

        // The same with startAsync(): the async code gets the request the servlet was given.
        Wrapper plainAsync = Tomcat.addServlet(context, "plainAsync", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                AsyncContext ac = request.startAsync();
                ac.start(() -> {
                    ((HttpServletRequest) ac.getRequest()).getSession().setAttribute("cart", "2 items");
                    ac.complete();
                });
            }
        });
        plainAsync.setAsyncSupported(true);
        context.addServletMappingDecoded("/plain-async", "plainAsync");

        Tomcat.addServlet(context, "get", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpSession session = request.getSession(false);
                response.getWriter().print(session == null ? "no session" : "cart=" + session.getAttribute("cart")
                        + " user=" + session.getAttribute("user"));
            }
        });
        context.addServletMappingDecoded("/get", "get");

        // Signs in, then answers 404 through the application's error page.
        Tomcat.addServlet(context, "missing", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                request.getSession().setAttribute("user", "alice");
                response.sendError(404);
            }
        });
        context.addServletMappingDecoded("/missing", "missing");
        Tomcat.addServlet(context, "notFoundPage", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpSession session = request.getSession(false);
                response.getWriter().print(session == null ? "no session" : "user=" + session.getAttribute("user"));
            }
        });
        context.addServletMappingDecoded("/not-found", "notFoundPage");
        ErrorPage notFound = new ErrorPage();
        notFound.setErrorCode(404);
        notFound.setLocation("/not-found");
        context.addErrorPage(notFound);

        tomcat.start();
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.close();
    }

    @Test
    void asyncRequest_attributeSetOnTheAsyncThreadThroughTheWrappedRequest_isStored() throws Exception {
        // The filter's own save runs when chain.doFilter returns, before the async thread does: completing the
        // async context saves what the async code changed, and sends the cookies.
        HttpResponse<String> first = get("/async");
        assertEquals(200, first.statusCode());

        assertEquals("cart=3 items user=null", get("/get").body(), "the next request sees the async change");
    }

    @Test
    void startAsyncWithoutArguments_attributeSetOnTheAsyncThread_isStoredAndNoContainerSession() throws Exception {
        HttpResponse<String> first = get("/plain-async");
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("JSESSIONID")),
                "no container session: " + first.headers().allValues("Set-Cookie"));

        assertEquals("cart=2 items user=null", get("/get").body());
    }

    @Test
    void errorPage_ofARequestThatSignedIn_seesTheSession() throws Exception {
        // Tomcat dispatches the error page with its own request: the filter, mapped for ERROR, hands the page the
        // session the request already had.
        HttpResponse<String> answer = get("/missing");
        assertEquals(404, answer.statusCode());
        assertTrue(Optional.ofNullable(answer.body()).orElse("").contains("user=alice"),
                "error page shows: " + answer.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(tomcat.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
