package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that send slowly, too much, or too many fields: they are cut off or refused in bounded time, without a
 * trace, and the application keeps answering everybody else meanwhile. Raw sockets, so the test decides exactly
 * what is sent and when.
 */
@NeedsRedis
class SlowRequestTest {

    /** The connector's connectionTimeout (EmbeddedTomcat). */
    private static final long CONNECTION_TIMEOUT_MILLIS = 5000;
    private static final long QUICK_MILLIS = 1000;

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());
    private ExecutorService threads;

    @BeforeAll
    static void start() throws Exception {
        // Compile the JSPs now, so the first timed answer does not include their compilation.
        WebClient warmUp = new WebClient();
        assertEquals(200, warmUp.get(fixture.url("/login")).statusCode());
        assertEquals(404, warmUp.get(fixture.url("/not-here")).statusCode());
    }

    @BeforeEach
    void startThreads() {
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "the test's own threads ended");
    }

    @Test
    void postLogin_headersThenSilence_cutOffAfterConnectionTimeoutWhileOthersAreAnswered() throws Exception {
        try (Socket socket = connect()) {
            long sent = System.nanoTime();
            write(socket, postHeaders(100));
            CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> readAnswer(socket, sent), threads);

            int quick = answerOthersUntil(answer, Duration.ofSeconds(20));
            Answer result = answer.get(1, TimeUnit.SECONDS);

            assertCutOffOrRefused(result);
            assertTrue(result.millis() >= CONNECTION_TIMEOUT_MILLIS - 500 && result.millis() <= 8000,
                    "cut off after " + result.millis() + " ms, expected about " + CONNECTION_TIMEOUT_MILLIS);
            assertTrue(quick >= 5, "only " + quick + " other requests were answered meanwhile");
        }
    }

    @Test
    void postLogin_bodyDribbledOneBytePerSecond_cutOffWithin8sWhileOthersAreAnswered() throws Exception {
        try (Socket socket = connect()) {
            long sent = System.nanoTime();
            write(socket, postHeaders(100));
            CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> readAnswer(socket, sent), threads);
            threads.submit(() -> dribble(socket, 100));

            int quick = answerOthersUntil(answer, Duration.ofSeconds(10));

            assertTrue(answer.isDone(), "the dribbling client was cut off within 10 s");
            assertTrue(quick >= 10, "only " + quick + " other requests were answered meanwhile");
            Answer result = answer.get();
            assertCutOffOrRefused(result);
            assertTrue(result.millis() <= 8000, "cut off after " + result.millis() + " ms, expected 5-8 s");
        }
    }

    @Test
    void postLogin_200FormFields_400WithoutTrace() throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            form.put("field" + i, "value" + i);
        }
        WebClient browser = new WebClient();
        browser.get(fixture.url("/login"));
        form.put("csrf", browser.cookie("CSRF"));
        form.put("email", "many-fields@example.com");

        HttpResponse<String> answer = browser.post(fixture.url("/login"), form);

        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals("The form has too many fields.", Pages.alert(answer));
        Pages.assertNoStackTrace(answer);
        assertEquals(null, browser.cookie("SESSION"), "no session for a refused login");
        assertEquals(List.of(), fixture.redis().keys(fixture.keyPrefix()), "no key for a refused login");
    }

    @Test
    void postLogin_declared10MiBBody_413BeforeTheBodyIsSent() throws Exception {
        try (Socket socket = connect()) {
            long sent = System.nanoTime();
            write(socket, postHeaders(10 * 1024 * 1024));

            Answer result = readAnswer(socket, sent);

            assertEquals("HTTP/1.1 413", result.statusLine().substring(0, Math.min(12, result.statusLine().length())),
                    result.text());
            assertTrue(result.millis() < QUICK_MILLIS, "413 after " + result.millis() + " ms, expected at once");
            assertTrue(result.text().contains("The form is larger than 16 KiB."), result.text());
            for (String mark : List.of("Exception", "at io.", "at java.", "at org.", "Caused by")) {
                assertTrue(!result.text().contains(mark), "the 413 answer contains '" + mark + "':\n" + result.text());
            }
        }
    }

    /** What came back on a raw connection: the bytes up to the close (or the first answer), and when. */
    private record Answer(String text, long millis, boolean timedOut) {
        String statusLine() {
            int end = text.indexOf("\r\n");
            return end < 0 ? text : text.substring(0, end);
        }
    }

    private static Socket connect() throws IOException {
        URI uri = URI.create(fixture.url("/"));
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String postHeaders(long contentLength) {
        URI uri = URI.create(fixture.url("/"));
        return "POST /login HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + "\r\n";
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends {@code count} bytes, one a second (this test is about time), until the server stops reading. */
    private static Void dribble(Socket socket, int count) throws InterruptedException {
        try {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < count; i++) {
                Thread.sleep(1000);
                out.write('a');
                out.flush();
            }
        } catch (IOException e) {
            // the server closed the connection: what the test waits for
        }
        return null;
    }

    /**
     * Reads until the server closes the connection, or until a complete answer (headers and the body its
     * Content-Length announces) has arrived, or the socket's 20 s timeout.
     */
    private static Answer readAnswer(Socket socket, long sentNanos) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean timedOut = false;
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; !complete(received) && (n = in.read(buffer)) > 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            timedOut = true;
        } catch (IOException e) {
            // a reset counts as a close
        }
        return new Answer(received.toString(StandardCharsets.ISO_8859_1),
                (System.nanoTime() - sentNanos) / 1_000_000, timedOut);
    }

    private static boolean complete(ByteArrayOutputStream received) {
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int headersEnd = text.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^Content-Length:\\s*(\\d+)")
                .matcher(text.substring(0, headersEnd));
        return length.find() && text.length() - headersEnd - 4 >= Integer.parseInt(length.group(1));
    }

    /**
     * While {@code slow} has no answer, other clients ask for the login form and the health check; each must be
     * answered within {@link #QUICK_MILLIS}. Stops after {@code atMost}. @return how many were answered
     */
    private static int answerOthersUntil(CompletableFuture<Answer> slow, Duration atMost) throws Exception {
        WebClient other = new WebClient();
        int answered = 0;
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!slow.isDone() && System.nanoTime() < deadline) {
            for (String path : List.of("/login", "/health")) {
                long started = System.nanoTime();
                HttpResponse<String> answer = other.get(fixture.url(path));
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, answer.statusCode(), path);
                assertTrue(millis < QUICK_MILLIS, "GET " + path + " took " + millis + " ms beside a slow client");
                answered++;
            }
            try {
                slow.get(250, TimeUnit.MILLISECONDS); // the test is about time: pace the others, four a second
            } catch (TimeoutException e) {
                // still waiting for the slow client's answer
            }
        }
        return answered;
    }

    private static void assertCutOffOrRefused(Answer result) {
        assertTrue(!result.timedOut(), "the server neither answered nor closed within 20 s");
        String status = result.statusLine();
        assertTrue(status.isEmpty() || status.matches("HTTP/1\\.1 4\\d\\d.*"),
                "expected a close or a 4xx after " + result.millis() + " ms, got:\n" + result.text());
        for (String mark : List.of("Exception", "at io.", "at java.", "at org.", "Caused by")) {
            assertTrue(!result.text().contains(mark), "the answer contains '" + mark + "':\n" + result.text());
        }
    }
}
