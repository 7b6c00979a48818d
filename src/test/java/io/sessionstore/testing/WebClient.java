package io.sessionstore.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A browser stand-in: keeps cookies (shared by every node on 127.0.0.1, as a browser behind one load balancer
 * would), follows no redirects, and knows the app's forms.
 */
public final class WebClient {

    private static final Pattern VISITS = Pattern.compile("id=\"visits\">(\\d+)<");
    private static final Pattern EMAIL = Pattern.compile("id=\"email\">([^<]*)<");

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    /** The {@code User-Agent} this client sends; null for the HTTP client's own. */
    private final String userAgent;

    public WebClient() {
        this((String) null);
    }

    /** A client that sends {@code userAgent} as its {@code User-Agent}, as a browser does. */
    public WebClient(String userAgent) {
        this(userAgent, null);
    }

    /** A client for HTTPS servers whose certificates {@code tls} trusts (a self-signed one, say). */
    public WebClient(SSLContext tls) {
        this(null, tls);
    }

    private WebClient(String userAgent, SSLContext tls) {
        this.userAgent = userAgent;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        http = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    public HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        return userAgent == null ? builder : builder.header("User-Agent", userAgent);
    }

    public HttpResponse<String> post(String url, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return http.send(request(url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET /login then POST it: the answer to the POST. */
    public HttpResponse<String> login(TestApp app, String email) throws IOException, InterruptedException {
        get(app.url("/login"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("email", email);
        form.put("csrf", cookie("CSRF"));
        return post(app.url("/login"), form);
    }

    public HttpResponse<String> logout(TestApp app) throws IOException, InterruptedException {
        return post(app.url("/logout"), Map.of("csrf", cookie("CSRF")));
    }

    /** Any request, sent with (and keeping) this client's cookies. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** GET with extra headers, as name/value pairs (a hand-made {@code Cookie} header, say). */
    public HttpResponse<String> getWithHeaders(String url, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).headers(headers)
                .GET().build());
    }

    /** POST of a body given as a publisher: one of unknown length goes out chunked, without Content-Length. */
    public HttpResponse<String> post(String url, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(body).build());
    }

    /** The form's fields, application/x-www-form-urlencoded. */
    public static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** A cookie's value, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .findFirst().orElse(null);
    }

    public void setCookie(String url, String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(url), cookie);
    }

    /**
     * Sets a cookie as the server at {@code url} would have (domain the host, path /), so that the server's next
     * Set-Cookie of that name replaces it, as in a browser. (A cookie from {@link #setCookie} has no domain and
     * lives on next to the server's.)
     */
    public void plantCookie(String url, String name, String value) {
        URI uri = URI.create(url);
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setDomain(uri.getHost());
        cookie.setVersion(0);
        cookies.getCookieStore().add(uri, cookie);
    }

    public static int visits(HttpResponse<String> page) {
        Matcher m = VISITS.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No visit count on the page (status " + page.statusCode() + "):\n" + page.body());
        }
        return Integer.parseInt(m.group(1));
    }

    public static String email(HttpResponse<String> page) {
        Matcher m = EMAIL.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No email on the page (status " + page.statusCode() + "):\n" + page.body());
        }
        return m.group(1);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
