package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.LogCapture;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Session hashes written straight into Redis: a broken one counts as no session and is deleted, never a 500. */
@NeedsRedis
class UnreadableSessionTest {

    private static final AtomicInteger IDS = new AtomicInteger();
    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onTestRedis(Map.of());

    @Test
    void getWelcome_handWrittenWellFormedHash_loggedIn() throws Exception {
        String id = writeSession("c", now(), "a", now(), "t", "1800", "@email", "Shand@example.com");

        HttpResponse<String> page = browserWith(id).get(fixture.url("/"));

        assertEquals(200, page.statusCode());
        assertEquals("hand@example.com", WebClient.email(page));
        assertEquals(1, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
    }

    static Stream<Arguments> brokenSessions() throws Exception {
        byte[] garbage = concat("J".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 1, 2, 3});
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        refused.write('J');
        try (ObjectOutputStream out = new ObjectOutputStream(refused)) {
            out.writeObject(URI.create("http://refused.example/")); // java.net is not on the allow-list
        }
        return Stream.of(
                Arguments.of("serialised garbage", List.of("c", now(), "a", now(), "t", "1800", "@email", garbage)),
                Arguments.of("plain garbage after J", List.of("c", now(), "a", now(), "t", "1800", "@email", "Jgarbage")),
                Arguments.of("a class not allowed", List.of("c", now(), "a", now(), "t", "1800", "@email", refused.toByteArray())),
                Arguments.of("unknown type byte", List.of("c", now(), "a", now(), "t", "1800", "@email", "Zx@example.com")),
                Arguments.of("not a number", List.of("c", now(), "a", now(), "t", "1800", "@email", "Inine")),
                Arguments.of("empty attribute", List.of("c", now(), "a", now(), "t", "1800", "@email", "")),
                Arguments.of("no metadata", List.of("@email", "Snometa@example.com")),
                Arguments.of("no timeout", List.of("c", now(), "a", now(), "@email", "Snot@example.com")),
                Arguments.of("creation time not a number", List.of("c", "yesterday", "a", now(), "t", "1800")),
                Arguments.of("timeout not a number", List.of("c", now(), "a", now(), "t", "long")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSessions")
    void getWelcome_unreadableSessionHash_303ToLoginAndKeyDeleted(String what, List<Object> fields) throws Exception {
        String id = writeSession(fields.toArray());

        HttpResponse<String> answer = browserWith(id).get(fixture.url("/"));

        assertEquals(303, answer.statusCode(), what + ": " + answer.body());
        assertEquals("/login", Pages.header(answer, "Location"));
        Pages.assertNoStackTrace(answer);
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(id)),
                what + ": the unreadable session is deleted");
    }

    @Test
    void getWelcome_classOutsideAllowList_refusedWithoutInstanceAndLogged() throws Exception {
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        refused.write('J');
        try (ObjectOutputStream out = new ObjectOutputStream(refused)) {
            out.writeObject(new java.net.InetSocketAddress("127.0.0.1", 1)); // java.net is not on the allow-list
        }
        String id = writeSession("c", now(), "a", now(), "t", "1800", "@email", refused.toByteArray());
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.sessionstore.session.web.SessionRequest", Level.WARNING)) {
            HttpResponse<String> answer = browserWith(id).get(fixture.url("/"));
            assertEquals(303, answer.statusCode());
            records = log.records();
        }
        assertEquals(1, records.stream().filter(r -> r.getLevel() == Level.WARNING
                && r.getMessage().contains("cannot be read and was deleted")
                && r.getMessage().contains("refused")).count(),
                "one warning naming the refusal: " + records.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void postLogin_overUnreadableSession_logsInWithNewId() throws Exception {
        String id = writeSession("c", now(), "a", now(), "t", "1800", "@email", "Jgarbage");
        WebClient browser = new WebClient();
        browser.plantCookie(fixture.url("/"), "SESSION", id);

        HttpResponse<String> answer = browser.login(fixture.app(), "recovered@example.com");

        assertEquals(303, answer.statusCode());
        assertEquals("recovered@example.com", WebClient.email(browser.get(fixture.url("/"))));
        assertEquals(0, fixture.redis().number("EXISTS", fixture.sessionKey(id)));
    }

    /** Writes a session hash under a new well-formed id; expires on its own should cleanup not run. */
    private static String writeSession(Object... fieldsAndValues) throws Exception {
        String id = String.format("unreadable%012d", IDS.incrementAndGet());
        List<Object> command = new ArrayList<>(List.of("HSET", fixture.sessionKey(id)));
        command.addAll(List.of(fieldsAndValues));
        fixture.redis().call(command.toArray());
        fixture.redis().call("EXPIRE", fixture.sessionKey(id), "600");
        return id;
    }

    private static WebClient browserWith(String id) {
        WebClient browser = new WebClient();
        browser.setCookie(fixture.url("/"), "SESSION", id);
        return browser;
    }

    private static String now() {
        return Long.toString(System.currentTimeMillis());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
