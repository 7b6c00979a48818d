package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.RealmBase;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Container-managed {@code FORM} login behind the filter: Tomcat's authenticator runs before any filter and keeps
 * the signed-in user in Tomcat's own session. An application logs its user out by invalidating its session, so that
 * must end the container's login too.
 */
class ContainerLoginTest {

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final InMemorySessionStore store = new InMemorySessionStore();
    private TestTomcat tomcat;

    @BeforeEach
    void start() throws Exception {
        tomcat = TestTomcat.create();
        Context context = tomcat.addRootContext();
        context.setRealm(new RealmBase() {
            @Override
            protected String getPassword(String username) {
                return "alice".equals(username) ? "secret" : null;
            }

            @Override
            protected Principal getPrincipal(String username) {
                return new GenericPrincipal(username, List.of("user"));
            }
        });
        context.setLoginConfig(new LoginConfig("FORM", null, "/login", "/login-failed"));
        context.getPipeline().addValve(new FormAuthenticator());
        context.addSecurityRole("user");
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole("user");
        SecurityCollection collection = new SecurityCollection();
        collection.addPattern("/private/*");
        constraint.addCollection(collection);
        context.addConstraint(constraint);

        TestTomcat.filterEveryPath(context,
                new SessionFilter(SessionSettings.builder().build(), store),
                DispatcherType.REQUEST, DispatcherType.FORWARD);
        Tomcat.addServlet(context, "pages", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                switch (request.getServletPath()) {
                    case "/login" -> response.getWriter().print("login form");
                    case "/private/sessions" -> response.getWriter().print(PrincipalSessions.of(
                            request.getServletContext()).find(request.getRemoteUser()).size());
                    case "/logout" -> {
                        request.getSession().invalidate();
                        response.getWriter().print("signed out");
                    }
                    default -> {
                        request.getSession().setAttribute("user", request.getRemoteUser());
                        response.getWriter().print("hello " + request.getRemoteUser());
                    }
                }
            }
        });
        context.addServletMappingDecoded("/", "pages");
        tomcat.start();
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.close();
    }

    @Test
    void invalidate_afterFormLogin_theUserMustSignInAgain() throws Exception {
        assertEquals("login form", get("/private/page").body());
        HttpResponse<String> login = send(HttpRequest.newBuilder(tomcat.uri("/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=secret")).build());
        assertTrue(login.statusCode() == 302 || login.statusCode() == 303, "signed in: " + login.statusCode());
        assertEquals("hello alice", get("/private/page").body());

        assertEquals("signed out", get("/logout").body());

        assertEquals("login form", get("/private/page").body(), "the container's login ended with the session");
    }

    @Test
    void formLogin_withoutAPrincipalAttribute_sessionIndexedByTheContainersUser() throws Exception {
        get("/private/page");
        send(HttpRequest.newBuilder(tomcat.uri("/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=secret")).build());
        assertEquals("hello alice", get("/private/page").body());

        assertEquals("1", get("/private/sessions").body());
        assertEquals(1, store.sessionsOf("alice").size());

        get("/logout");
        assertEquals(List.of(), store.sessionsOf("alice"));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tomcat.uri(path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
