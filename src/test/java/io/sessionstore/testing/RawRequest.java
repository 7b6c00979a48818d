package io.sessionstore.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP request written by hand, sent from a loopback address of the test's choice ({@code 127.0.0.2}, say, to be
 * a peer that a server does not trust), which Java's HTTP client cannot do.
 */
public final class RawRequest {

    private RawRequest() {
    }

    /**
     * Sends {@code request} (with {@code Connection: close}) from {@code from} to {@code 127.0.0.1:port}.
     *
     * @return the response's status line and headers
     */
    public static String head(String from, int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            return end < 0 ? response : response.substring(0, end);
        }
    }
}
