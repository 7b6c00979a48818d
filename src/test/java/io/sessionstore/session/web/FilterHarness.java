package io.sessionstore.session.web;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@link SessionFilter}, constructed with {@code new SessionFilter(settings, store)} over a
 * {@link CountingSessionStore}, in an embedded Tomcat on a free 127.0.0.1 port, in front of one servlet whose
 * behaviour each test gives per path with {@link #on}. No Redis, no mocks. Registered on a static field with
 * {@code @RegisterExtension}, it starts once per test class and is {@link #reset()} before each test; a
 * {@link ListenerLog} is registered as the application's session listener; {@link #client()} gives a client that
 * carries cookies from one request to the next and shows the raw {@code Set-Cookie} headers of each answer.
 */
final class FilterHarness implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** What the servlet does for one path; the request and response are those the filter hands on. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws Exception;
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Where Tomcat logs an exception that a servlet throws. */
    private static final Logger SERVLET_LOG =
            Logger.getLogger("org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[routes]");

    private final CountingSessionStore store = new CountingSessionStore();
    private final AttributeCodec codec = new AttributeCodec("", FilterHarness.class.getClassLoader(), SizeLimits.DEFAULT);
    private final SessionIds ids = new SessionIds();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final ListenerLog listeners = new ListenerLog();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
    private final SessionSettings settings;
    private TestTomcat tomcat;

    private FilterHarness(SessionSettings settings) {
        this.settings = settings;
    }

    /** Register on a static field with {@code @RegisterExtension}. */
    static FilterHarness withSettings(SessionSettings settings) {
        return new FilterHarness(settings);
    }

    /** Default settings: cookie {@code SESSION}, {@code SameSite=Lax}, 30 minute timeout, failure status 503. */
    static FilterHarness withDefaultSettings() {
        return withSettings(SessionSettings.builder().build());
    }

    /** Starts Tomcat with the filter, before the class's tests. */
    @Override
    public void beforeAll(ExtensionContext extensionContext) throws Exception {
        // Room for the oversized cookie a test sends: the filter, not Tomcat, must refuse it.
        tomcat = TestTomcat.create().maxHttpHeaderSize(65536);
        Context context = tomcat.addRootContext();
        TestTomcat.filterEveryPath(context, new SessionFilter(settings, store), DispatcherType.REQUEST);
        // Added as an application adds one, so the filter must find it among the container's listeners.
        context.addServletContainerInitializer((classes, servletContext) -> servletContext.addListener(listeners),
                null);
        Tomcat.addServlet(context, "routes", new RouteServlet(routes));
        context.addServletMappingDecoded("/*", "routes");
        tomcat.start();
    }

    @Override
    public void beforeEach(ExtensionContext extensionContext) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    /** Before each test: an empty store with nothing counted, and no paths. */
    void reset() {
        store.reset();
        routes.clear();
        listeners.clear();
    }

    /** Serves {@code path} (the request URI, without query) with {@code handler}. */
    void on(String path, Handler handler) {
        routes.put(path, handler);
    }

    /** Runs a call whose servlet throws on purpose, without Tomcat's log of the exception. */
    <T> T expectingServletException(Callable<T> call) throws Exception {
        Level level = SERVLET_LOG.getLevel();
        SERVLET_LOG.setLevel(Level.OFF);
        try {
            return call.call();
        } finally {
            SERVLET_LOG.setLevel(level);
        }
    }

    /** The events the application's session listener got since {@link #reset()}, oldest first. */
    List<String> listenerEvents() {
        return listeners.events();
    }

    CountingSessionStore store() {
        return store;
    }

    /** Encodes an attribute as the filter's codec would. */
    byte[] encode(String name, Object value) {
        return codec.encode(name, value);
    }

    /** The decoded attributes of a stored session; fails when it is gone. */
    Map<String, Object> storedAttributes(String id) {
        Map<String, byte[]> encoded = store.peek(id)
                .orElseThrow(() -> new AssertionError("Session " + id + " is not in the store"))
                .attributes();
        Map<String, Object> decoded = new LinkedHashMap<>();
        encoded.forEach((name, bytes) -> decoded.put(name, codec.decode(name, bytes)));
        return decoded;
    }

    /** Stores a session with these attributes behind the filter's back (version 1); returns its id. */
    String seed(Map<String, Object> attributes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        return seedEncoded(encoded);
    }

    /** Stores a session whose attributes are these bytes, as they are, behind the filter's back; returns its id. */
    String seedEncoded(Map<String, byte[]> attributes) {
        String id = ids.next();
        long now = System.currentTimeMillis();
        store.behindTheBack().write(new SessionChange.Create(
                new SessionChange.Snapshot(id, now - 60_000, now - 30_000, 1800, attributes)));
        return id;
    }

    /** A new client with no cookies. */
    Client client() {
        return new Client();
    }

    URI uri(String pathAndQuery) {
        return tomcat.uri(pathAndQuery);
    }

    /** One answer, its body read whole. */
    record Response(int status, String body, List<String> setCookies, HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * A browser stand-in for one host and path {@code /}: keeps the cookies it is sent, sends them back, forgets a
     * cookie sent with {@code Max-Age=0}. Follows no redirects.
     */
    final class Client {
        private final Map<String, String> cookies = new LinkedHashMap<>();

        /** GET of a path, with the cookies held. */
        Response get(String pathAndQuery) throws IOException, InterruptedException {
            return answer(http.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString()));
        }

        /** GET of a path, sent now with the cookies held; the cookies of the answer are kept when it comes. */
        CompletableFuture<Response> getAsync(String pathAndQuery) {
            return http.sendAsync(request(pathAndQuery), HttpResponse.BodyHandlers.ofString()).thenApply(this::answer);
        }

        /**
         * GET of a path that returns as soon as the headers are in, its cookies kept: the body can still be in the
         * making on the server.
         */
        HttpResponse<InputStream> open(String pathAndQuery) throws IOException, InterruptedException {
            HttpResponse<InputStream> response = http.send(request(pathAndQuery),
                    HttpResponse.BodyHandlers.ofInputStream());
            keepCookies(response);
            return response;
        }

        /** Holds a cookie as if the server had set it; the value is sent as it is. */
        synchronized Client cookie(String name, String value) {
            cookies.put(name, value);
            return this;
        }

        /** The value of a cookie held, or null. */
        synchronized String cookie(String name) {
            return cookies.get(name);
        }

        /** Every cookie held, in the order first set. */
        synchronized Map<String, String> cookies() {
            return Map.copyOf(cookies);
        }

        private Response answer(HttpResponse<String> response) {
            keepCookies(response);
            return new Response(response.statusCode(), response.body(),
                    response.headers().allValues("Set-Cookie"), response.headers());
        }

        private synchronized HttpRequest request(String pathAndQuery) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).GET();
            if (!cookies.isEmpty()) {
                builder.header("Cookie", cookies.entrySet().stream()
                        .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                        .collect(Collectors.joining("; ")));
            }
            return builder.build();
        }

        private synchronized void keepCookies(HttpResponse<?> response) {
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).strip();
                if (header.contains("; Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, pair.substring(eq + 1).strip());
                }
            }
        }
    }
}
