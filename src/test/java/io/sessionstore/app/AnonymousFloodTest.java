package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.WebClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anonymous traffic in bulk: login forms and refused logins from clients that never log in. Each is answered as
 * it should be (never 5xx, never a trace) and none leaves a key in Redis. A private Redis, so DBSIZE is exact.
 */
@NeedsRedis
class AnonymousFloodTest {

    private static final int THREADS = 8;
    private static final int FORM_GETS = 10_000;
    private static final int BAD_POSTS = 10_000;
    private static final int MAX_REPORTED = 20;
    private static final Pattern CSRF_SET_COOKIE = Pattern.compile("^CSRF=([A-Za-z0-9_-]{32});");
    private static final List<String> INVALID_EMAILS = List.of("", "   ", "no-at-sign", "two@@example.com",
            "a@b", "a b@example.com", "<script>@example.com", "user@exa mple.com", ".dot@example.com",
            "x".repeat(300) + "@example.com", "j\u00fcrgen@example.com", "user@-example.com", "user@example..com",
            "a@b@example.com", "user@example.com\u0000");

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void formsAndRefusedLogins_20000Anonymous_expectedStatusesAndNoKey() throws Exception {
        long keysBefore = fixture.redis().number("DBSIZE");
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String token = csrfToken(http);
        String otherToken = "Z".repeat(32);

        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger failureCount = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        int total = FORM_GETS + BAD_POSTS;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < total; ) {
                        Attempt attempt = i % 2 == 0 ? formGet(i / 2, token) : badPost(i / 2, token, otherToken);
                        String problem;
                        try {
                            HttpResponse<String> answer = send(http, attempt.request());
                            statuses.computeIfAbsent(attempt.kind() + " -> " + answer.statusCode(),
                                    k -> new LongAdder()).increment();
                            problem = check(attempt, answer);
                        } catch (Exception e) {
                            problem = e.toString();
                        }
                        if (problem != null && failureCount.incrementAndGet() <= MAX_REPORTED) {
                            failures.add(attempt.kind() + " #" + i + ": " + problem);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("AnonymousFloodTest: %d requests in %d ms (%.0f/s); %s%n",
                total, millis, total * 1000.0 / millis, new java.util.TreeMap<>(statuses));

        assertEquals(List.of(), List.copyOf(failures), failureCount.get() + " of " + total + " answers were wrong");
        long answered = statuses.values().stream().mapToLong(LongAdder::sum).sum();
        assertEquals(total, answered, "every request was answered");
        assertEquals(keysBefore, fixture.redis().number("DBSIZE"), "anonymous traffic created no key");
        assertEquals(List.of(), fixture.redis().keys(fixture.keyPrefix()), "no key under the app's prefix");
    }

    /**
     * Sends a request; once more when the server had closed the pooled connection the client picked for it: Java's
     * HTTP client then reports that the answer's header "received no bytes", before the server read anything.
     */
    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                throw e;
            }
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** A request with the status it must get and what else its answer must (not) carry. */
    private record Attempt(String kind, HttpRequest request, int status, boolean setsCsrfCookie) {
    }

    private static Attempt formGet(int n, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url("/login")))
                .timeout(Duration.ofSeconds(20)).GET();
        return switch (n % 3) {
            case 0 -> new Attempt("GET /login, no cookie", request.build(), 200, true);
            case 1 -> new Attempt("GET /login, CSRF cookie", request.header("Cookie", "CSRF=" + token).build(),
                    200, false);
            default -> new Attempt("GET /login, unknown SESSION cookie",
                    request.header("Cookie", "SESSION=" + unknownSessionId(n)).build(), 200, true);
        };
    }

    private static Attempt badPost(int n, String token, String otherToken) {
        String email = "flood" + n + "@example.com";
        return switch (n % 6) {
            case 0 -> new Attempt("POST /login, no CSRF at all",
                    post(null, Map.of("email", email)), 403, false);
            case 1 -> new Attempt("POST /login, CSRF field without cookie",
                    post(null, Map.of("email", email, "csrf", token)), 403, false);
            case 2 -> new Attempt("POST /login, CSRF cookie without field",
                    post("CSRF=" + token, Map.of("email", email)), 403, false);
            case 3 -> new Attempt("POST /login, wrong CSRF field",
                    post("CSRF=" + token, Map.of("email", email, "csrf", otherToken)), 403, false);
            case 4 -> new Attempt("POST /login, malformed CSRF cookie equal to the field",
                    post("CSRF=short", Map.of("email", email, "csrf", "short")), 403, false);
            default -> new Attempt("POST /login, valid CSRF, invalid email",
                    post("CSRF=" + token + "; SESSION=" + unknownSessionId(n),
                            Map.of("email", INVALID_EMAILS.get(n % INVALID_EMAILS.size()), "csrf", token)),
                    400, false);
        };
    }

    private static HttpRequest post(String cookie, Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.url("/login")))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(WebClient.formBody(form)));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request.build();
    }

    /** Well-formed (22 URL-safe characters) but never issued. */
    private static String unknownSessionId(int n) {
        String digits = Integer.toString(n, 36);
        return "A".repeat(22 - digits.length()) + digits;
    }

    /** @return null when the answer is right, else what is wrong with it */
    private static String check(Attempt attempt, HttpResponse<String> answer) {
        if (answer.statusCode() != attempt.status()) {
            return "status " + answer.statusCode() + ", expected " + attempt.status() + ":\n" + answer.body();
        }
        for (String mark : List.of("Exception", "at io.", "at java.", "at org.", "Caused by")) {
            if (answer.body().contains(mark)) {
                return "the body contains '" + mark + "':\n" + answer.body();
            }
        }
        List<String> setCookies = answer.headers().allValues("Set-Cookie");
        if (setCookies.stream().anyMatch(c -> c.startsWith("SESSION="))) {
            return "a SESSION cookie was set: " + setCookies;
        }
        boolean csrfSet = setCookies.stream().anyMatch(c -> CSRF_SET_COOKIE.matcher(c).find());
        if (csrfSet != attempt.setsCsrfCookie()) {
            return "expected " + (attempt.setsCsrfCookie() ? "a" : "no") + " CSRF cookie, got " + setCookies;
        }
        if (attempt.status() == 200 && !answer.body().contains("name=\"csrf\"")) {
            return "no login form in the body:\n" + answer.body();
        }
        if (attempt.status() == 400 && !answer.body().contains("role=\"alert\"")) {
            return "no error message next to the form:\n" + answer.body();
        }
        return null;
    }

    private static String csrfToken(HttpClient http) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(fixture.url("/login"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, form.statusCode());
        String setCookie = form.headers().firstValue("Set-Cookie").orElse(null);
        assertNotNull(setCookie, "GET /login sets the CSRF cookie");
        Matcher m = CSRF_SET_COOKIE.matcher(setCookie);
        assertTrue(m.find(), setCookie);
        return m.group(1);
    }
}
