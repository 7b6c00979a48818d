package io.sessionstore.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link FaultyProxy} in front of the test Redis: plain forwarding, then each fault and what follows it. */
@NeedsRedis
class FaultyProxyTest {

    private static final int READ_TIMEOUT_MS = 2_000;

    private FaultyProxy proxy;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultyProxy.start(TestRedis.url());
    }

    @AfterEach
    void closeProxy() throws IOException {
        proxy.close();
    }

    @Test
    void commands_noFault_forwardedBothWaysAndConnectionCountedWhileOpen() throws Exception {
        try (RespClient client = new RespClient(proxy.url())) {
            assertEquals("PONG", client.text("PING"));
            String large = "x".repeat(300_000);
            assertEquals(large, client.text("ECHO", large), "a reply of many chunks arrives whole");
            assertEquals(1, proxy.connections());
        }
        Poll.until(Duration.ofSeconds(2), "the connection the client closed is closed through the proxy",
                () -> proxy.connections() == 0);
    }

    @Test
    void ping_held_noAnswerUntilHealedThenAnsweredOnOldAndNewConnections() throws Exception {
        try (Socket before = connect()) {
            assertEquals("+PONG", roundTrip(before, "PING"));
            proxy.hold();
            try (Socket during = connect()) {
                send(before, "PING");
                send(during, "PING");
                assertNoReplyWithin(before, 300);
                assertNoReplyWithin(during, 50);
                proxy.heal();
                assertEquals("+PONG", readLine(before));
                assertEquals("+PONG", readLine(during));
            }
        }
    }

    @Test
    void ping_dropped_lostAndNextCommandAnsweredAfterHeal() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("+PONG", roundTrip(socket, "PING"));
            proxy.drop();
            send(socket, "PING");
            assertNoReplyWithin(socket, 300);
            proxy.heal();
            assertEquals("$5", roundTrip(socket, "ECHO after"), "the next reply is the one for the next command");
            assertEquals("after", readLine(socket));
        }
    }

    @Test
    void read_reset_failsAndNewConnectionWorks() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("+PONG", roundTrip(socket, "PING"));
            assertEquals(1, proxy.connections());
            proxy.reset();
            assertReadFails(socket);
            assertEquals(0, proxy.connections());
        }
        try (Socket again = connect()) {
            assertEquals("+PONG", roundTrip(again, "PING"));
        }
    }

    @Test
    void commands_delayed200Ms_eachDirectionDelayedInOrderThenNoDelayAgain() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("+PONG", roundTrip(socket, "PING"));
            proxy.delay(Duration.ofMillis(200));
            long start = System.nanoTime();
            send(socket, "ECHO a");
            send(socket, "ECHO b");
            assertEquals("$1", readLine(socket));
            assertEquals("a", readLine(socket));
            assertEquals("$1", readLine(socket));
            assertEquals("b", readLine(socket));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis >= 400, "a round trip through two delays of 200 ms took " + millis + " ms");

            proxy.delay(Duration.ZERO);
            start = System.nanoTime();
            assertEquals("+PONG", roundTrip(socket, "PING"));
            millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis < 400, "a round trip without delay took " + millis + " ms");
        }
    }

    @Test
    void connection_proxyClosed_failsAndNewConnectionsRefused() throws Exception {
        try (Socket socket = connect()) {
            assertEquals("+PONG", roundTrip(socket, "PING"));
            proxy.close();
            assertReadFails(socket);
            assertEquals(0, proxy.connections());
        }
        assertNothingListens(proxy.port());
    }

    /**
     * Nothing accepts connections on {@code port}. Linux may connect a socket to itself instead (a TCP simultaneous
     * open) when it picks that very port, free and in the ephemeral range, as the socket's own: such a socket
     * reached no listener.
     */
    private static void assertNothingListens(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertEquals(port, socket.getLocalPort(), "a connection to port " + port + " was accepted");
        } catch (ConnectException refused) {
            // What is expected.
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /** Sends an inline command. */
    private static void send(Socket socket, String command) throws IOException {
        socket.getOutputStream().write((command + "\r\n").getBytes(US_ASCII));
    }

    /** Sends an inline command and reads the first line of its reply. */
    private static String roundTrip(Socket socket, String command) throws IOException {
        send(socket, command);
        return readLine(socket);
    }

    /** One line of a reply, without its CRLF. */
    private static String readLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("Connection closed after \"" + line + "\"");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void assertNoReplyWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
        socket.setSoTimeout(READ_TIMEOUT_MS);
    }

    /** The next read fails at once (a reset or the end of the stream) rather than waiting for a reply. */
    private static void assertReadFails(Socket socket) {
        IOException failure = assertThrows(IOException.class, () -> readLine(socket));
        assertFalse(failure instanceof SocketTimeoutException, "the read waited instead of failing");
    }
}
