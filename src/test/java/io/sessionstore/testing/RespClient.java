package io.sessionstore.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client for tests: sends one command, reads one RESP2 reply. Tests look at Redis through it,
 * independently of the Redisson client under test. Bulk strings come back as byte[], arrays as List, integers as
 * Long, status replies as String; error replies throw.
 */
public final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RespClient(String redisUrl) throws IOException {
        URI uri = URI.create(redisUrl);
        socket = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    public Object call(Object... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
            request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.write(bytes);
            request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(request.toByteArray());
        out.flush();
        return read();
    }

    /** A reply read as text: bulk strings decoded as UTF-8, null stays null. */
    public String text(Object... args) throws IOException {
        Object reply = call(args);
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply == null ? null : reply.toString();
    }

    public long number(Object... args) throws IOException {
        return (Long) call(args);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(Object... args) throws IOException {
        List<String> result = new ArrayList<>();
        for (Object item : (List<Object>) call(args)) {
            result.add(item == null ? null : new String((byte[]) item, StandardCharsets.UTF_8));
        }
        return result;
    }

    /** All keys that start with {@code prefix} (SCAN, so fine on a shared server). */
    public List<String> keys(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            @SuppressWarnings("unchecked")
            List<Object> page = (List<Object>) call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
            cursor = new String((byte[]) page.get(0), StandardCharsets.UTF_8);
            for (Object key : (List<?>) page.get(1)) {
                keys.add(new String((byte[]) key, StandardCharsets.UTF_8));
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    /** One field of {@code INFO}, as a number. */
    public long info(String section, String field) throws IOException {
        return Long.parseLong(infoField(text("INFO", section), field));
    }

    /**
     * One field of an {@code INFO} reply's {@code name:value} lines.
     *
     * @throws IllegalStateException when the reply has no such field
     */
    public static String infoField(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new IllegalStateException("INFO has no " + field + ":\n" + info);
    }

    public void deleteKeys(String prefix) throws IOException {
        for (String key : keys(prefix)) {
            call("DEL", key);
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                readLine();
                return bytes;
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("Unexpected RESP type " + (char) type);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\r'; ) {
            if (b < 0) {
                throw new IOException("Connection closed");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
