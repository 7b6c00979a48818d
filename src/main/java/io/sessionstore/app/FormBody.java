package io.sessionstore.app;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, read with a size cap and a time cap. A declared length over the
 * cap is refused before a byte is read; a chunked body is read only up to the cap; a body that takes longer than
 * {@link #MAX_MILLIS} to arrive is refused and its connection closed (Tomcat's connection timeout bounds each read,
 * not the whole body, so a client dribbling a byte a second would otherwise hold a thread for minutes).
 * Query-string parameters are ignored: a form's values come from its body only.
 */
public final class FormBody {

    public static final int MAX_BYTES = 16 * 1024;
    public static final long MAX_MILLIS = 5_000;
    private static final int MAX_FIELDS = 32;

    /** Why a body was refused, with the status to answer. */
    public static final class RefusedException extends Exception {
        private final int status;

        RefusedException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private FormBody() {
    }

    public static Map<String, String> read(HttpServletRequest request) throws IOException, RefusedException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            throw tooLarge();
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new RefusedException(415, "Send the form as application/x-www-form-urlencoded.");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000;
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (body.size() + n > MAX_BYTES) {
                    throw tooLarge();
                }
                if (System.nanoTime() > deadline) {
                    throw new RefusedException(408, "The form took too long to arrive.");
                }
                body.write(buffer, 0, n);
            }
        }
        return parse(body.toString(StandardCharsets.US_ASCII));
    }

    static Map<String, String> parse(String body) throws RefusedException {
        Map<String, String> fields = new HashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        String[] pairs = body.split("&", MAX_FIELDS + 1);
        if (pairs.length > MAX_FIELDS) {
            throw new RefusedException(400, "The form has too many fields.");
        }
        try {
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            throw new RefusedException(400, "The form is not correctly encoded.");
        }
        return fields;
    }

    private static RefusedException tooLarge() {
        return new RefusedException(413, "The form is larger than " + MAX_BYTES / 1024 + " KiB.");
    }
}
