package io.sessionstore.session.web;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The same servlet served by two implementations of {@code HttpSession}, each in an embedded Tomcat of its own on a
 * free 127.0.0.1 port: {@link #filter()}, the real {@link SessionFilter} over an {@link InMemorySessionStore},
 * registered from a {@code ServletContainerInitializer} with {@link SessionSettings#read} as
 * {@code SessionStoreInitializer} registers it (so its settings come from the application), and {@link #tomcat()},
 * Tomcat's own sessions with no filter, the reference. No Redis, no mocks.
 *
 * <p>Each Tomcat has two applications: the root one, whose {@code <session-timeout>} is
 * {@value #SESSION_TIMEOUT_MINUTES} minutes, and {@value #CONFIGURED} with a session timeout of 0 (never) and a
 * session cookie configured without {@code HttpOnly}, in the context and in its {@code SessionCookieConfig}. Both serve the paths given with {@link Implementation#on}
 * (relative to the application), and both have a {@link ListenerLog} registered as their session listener, added
 * with {@code ServletContext.addListener} as an application adds one. Register on a static field with
 * {@code @RegisterExtension}; it starts once per test class, and before each test the paths and listener events are
 * cleared.
 */
final class SessionImplementations implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The root application's {@code <session-timeout>}, in minutes. */
    static final int SESSION_TIMEOUT_MINUTES = 7;
    /** The context path of the second application: session timeout 0, session cookie not {@code HttpOnly}. */
    static final String CONFIGURED = "/configured";
    /** How often the filter claims expired sessions and tells the application: short, so tests wait little. */
    static final Duration FILTER_SWEEP = Duration.ofMillis(100);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
    private final Implementation filter = new Implementation("filter", true, "SESSION");
    private final Implementation tomcat = new Implementation("tomcat", false, "JSESSIONID");

    /** The filter over an in-memory store. */
    Implementation filter() {
        return filter;
    }

    /** Tomcat's own sessions: the reference. */
    Implementation tomcat() {
        return tomcat;
    }

    /** Both, the filter first: for {@code @MethodSource}. */
    Stream<Implementation> both() {
        return Stream.of(filter, tomcat);
    }

    @Override
    public void beforeAll(ExtensionContext extensionContext) throws Exception {
        filter.start();
        tomcat.start();
    }

    @Override
    public void beforeEach(ExtensionContext extensionContext) {
        filter.reset();
        tomcat.reset();
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) throws Exception {
        filter.stop();
        tomcat.stop();
    }

    /** One answer, its body read whole. */
    record Response(int status, String body, List<String> setCookies) {
    }

    /** One implementation of sessions behind the same servlet. */
    final class Implementation {
        private final String name;
        private final boolean filtered;
        private final String cookieName;
        private final Map<String, FilterHarness.Handler> routes = new ConcurrentHashMap<>();
        private final ListenerLog listeners = new ListenerLog();
        private TestTomcat server;

        private Implementation(String name, boolean filtered, String cookieName) {
            this.name = name;
            this.filtered = filtered;
            this.cookieName = cookieName;
        }

        /** Whether this is the filter rather than Tomcat's own sessions. */
        boolean isFilter() {
            return filtered;
        }

        /** The name of the session cookie: {@code SESSION} for the filter, {@code JSESSIONID} for Tomcat. */
        String cookieName() {
            return cookieName;
        }

        /** Serves {@code path}, relative to the application, in both applications, with {@code handler}. */
        void on(String path, FilterHarness.Handler handler) {
            routes.put(path, handler);
        }

        /** What the applications' session listener was told since the test began, oldest first. */
        List<String> listenerEvents() {
            return listeners.events();
        }

        /** A new client with no cookies. */
        Client client() {
            return new Client(this);
        }

        @Override
        public String toString() {
            return name;
        }

        private void start() throws Exception {
            server = TestTomcat.create();
            Context root = server.addRootContext();
            root.setSessionTimeout(SESSION_TIMEOUT_MINUTES);
            configure(root);
            Context configured = server.addContext(CONFIGURED);
            configured.setSessionTimeout(0);
            // HttpOnly off in the container (Tomcat marks the cookie when either says so) and in the application.
            configured.setUseHttpOnly(false);
            configure(configured);
            configured.addServletContainerInitializer((classes, servletContext) ->
                    servletContext.getSessionCookieConfig().setHttpOnly(false), null);
            server.start();
        }

        private void configure(Context context) {
            if (filtered) {
                context.addParameter(SessionSettings.SESSION_HOUSEKEEPING_MS, Long.toString(FILTER_SWEEP.toMillis()));
                context.addParameter(SessionSettings.SESSION_ALLOWED_CLASSES, "io.sessionstore.session.web.*");
            }
            context.addServletContainerInitializer((classes, servletContext) -> {
                servletContext.addListener(listeners);
                if (filtered) {
                    // As SessionStoreInitializer registers it, over an in-memory store that keeps expired sessions
                    // a minute, as the Redis store does, for the sweep to claim them and tell the application.
                    FilterRegistration.Dynamic registration = servletContext.addFilter("session-store",
                            new SessionFilter(SessionSettings.read(servletContext),
                                    new InMemorySessionStore(Clock.systemUTC(), Duration.ofSeconds(60))));
                    registration.setAsyncSupported(true);
                    registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                            DispatcherType.ERROR), false, "/*");
                }
            }, null);
            Tomcat.addServlet(context, "routes", new RouteServlet(routes));
            context.addServletMappingDecoded("/*", "routes");
        }

        private void reset() {
            routes.clear();
            listeners.clear();
        }

        private void stop() throws Exception {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * A browser stand-in for one implementation: keeps the cookies it is sent (whatever their path), sends them
     * back, forgets a cookie sent with {@code Max-Age=0}. Follows no redirects.
     */
    final class Client {
        private final Implementation implementation;
        private final Map<String, String> cookies = new LinkedHashMap<>();

        private Client(Implementation implementation) {
            this.implementation = implementation;
        }

        /** GET of a path (of the root application, or under {@link #CONFIGURED}), with the cookies held. */
        Response get(String pathAndQuery) throws IOException, InterruptedException {
            HttpRequest.Builder builder = HttpRequest.newBuilder(implementation.server.uri(pathAndQuery))
                    .timeout(TIMEOUT).GET();
            synchronized (this) {
                if (!cookies.isEmpty()) {
                    builder.header("Cookie", cookies.entrySet().stream()
                            .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                            .collect(Collectors.joining("; ")));
                }
            }
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            List<String> setCookies = response.headers().allValues("Set-Cookie");
            synchronized (this) {
                for (String header : setCookies) {
                    String pair = header.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    String cookieName = pair.substring(0, eq).strip();
                    if (header.contains("; Max-Age=0")) {
                        cookies.remove(cookieName);
                    } else {
                        cookies.put(cookieName, pair.substring(eq + 1).strip());
                    }
                }
            }
            return new Response(response.statusCode(), response.body(), setCookies);
        }

        /** Holds the session cookie with this value, as if the server had set it; any other cookie is dropped. */
        synchronized Client sessionCookie(String id) {
            cookies.clear();
            cookies.put(implementation.cookieName, id);
            return this;
        }

        /** The value of the session cookie held, or null. */
        synchronized String sessionCookie() {
            return cookies.get(implementation.cookieName);
        }
    }
}
