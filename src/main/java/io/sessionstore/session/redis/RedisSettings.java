package io.sessionstore.session.redis;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach Redis: a {@code redis://} or {@code rediss://} URL, or a Redisson YAML file (cluster, sentinel,
 * replicated, TLS set-ups), which wins over the URL; and the bound on every command. Immutable; checked when built.
 *
 * @param url        {@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS; user and password
 *                   percent-encoded (RFC 3986: {@code %40} for {@code @}; a {@code +} is a plus, not a space)
 * @param configFile a readable Redisson YAML file, or null
 * @param timeout    connect and command timeout, at least 50 ms; commands are never retried (see
 *                   {@link RedisConnection})
 */
public record RedisSettings(String url, Path configFile, Duration timeout) {

    /** The shortest timeout accepted: below it, a loaded machine times out commands that Redis did answer. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(50);
    /** The longest: a request waits this long for a Redis that hangs. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    /** Text in which every {@code %} starts a percent-encoded byte (RFC 3986, section 2.1). */
    private static final Pattern VALID_PERCENT = Pattern.compile("([^%]|%[0-9A-Fa-f]{2})*");

    /** @throws IllegalArgumentException naming what is wrong: a URL of another form, a file that cannot be read */
    public RedisSettings {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the Redis timeout must be between " + MIN_TIMEOUT.toMillis()
                    + " and " + MAX_TIMEOUT.toMillis() + " ms, not " + timeout.toMillis() + " ms");
        }
        if (configFile != null && !Files.exists(configFile)) {
            throw new IllegalArgumentException(configFile + ": no such file");
        }
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(configFile + ": a folder, not a Redisson YAML file");
        }
        if (configFile != null && !Files.isReadable(configFile)) {
            throw new IllegalArgumentException(configFile + ": cannot be read (permission denied)");
        }
        if (configFile == null) {
            uri(url);
        }
    }

    /** The Redis this client talks to, without any password: for log lines and messages. */
    public String describe() {
        if (configFile != null) {
            return "the Redis named in " + configFile;
        }
        URI uri = uri(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /**
     * The URL's user, percent-decoded (RFC 3986, section 2.1: a {@code +} stays a {@code +}), or null when the URL
     * names none.
     */
    public String user() {
        String[] userInfo = userInfo(uri(url));
        return userInfo == null || userInfo[0].isEmpty() ? null : userInfo[0];
    }

    /** The URL's password, percent-decoded as {@link #user()}, or null when the URL holds none. */
    public String password() {
        String[] userInfo = userInfo(uri(url));
        return userInfo == null ? null : userInfo[1];
    }

    /** User and password, decoded; the user empty when only a password is given; null without either. */
    private static String[] userInfo(URI uri) {
        String raw = uri.getRawUserInfo();
        if (raw == null) {
            return null;
        }
        int colon = raw.indexOf(':');
        return colon < 0 ? new String[] {"", percentDecoded(raw)}
                : new String[] {percentDecoded(raw.substring(0, colon)), percentDecoded(raw.substring(colon + 1))};
    }

    /** {@code %XX} sequences as UTF-8 bytes; nothing else changes. */
    private static String percentDecoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException naming the URL, its password left out, when it is not a Redis URL */
    static URI uri(String url) {
        Objects.requireNonNull(url, "url");
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("a Redis URL looks like redis://host:port (rediss:// for TLS): did "
                    + "you mean 'redis://" + withoutPassword("redis://" + url).substring("redis://".length()) + "'?");
        }
        int at = url.lastIndexOf('@');
        if (at > scheme) {
            String userInfo = url.substring(scheme + 3, at);
            if (userInfo.chars().anyMatch(c -> c == '@' || c == '/' || c == '?' || c == '#')
                    || !VALID_PERCENT.matcher(userInfo).matches()) {
                throw new IllegalArgumentException("the user and password in a Redis URL must be percent-encoded: "
                        + "write @ as %40, / as %2F, ? as %3F, # as %23, % as %25 and : in a user as %3A ('"
                        + withoutPassword(url) + "')");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())
                || uri.getHost() == null || database(uri) < 0 || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a Redis URL looks like redis://host:port or rediss://host:port, "
                    + "optionally with user:password@ (percent-encoded) and /database (a number), not '"
                    + withoutPassword(url) + "'");
        }
        return uri;
    }

    /** The database of a Redis URL: 0 without one, -1 when its path is not a database number. */
    static int database(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        String digits = path.substring(1);
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /** With the URL's password left out. */
    @Override
    public String toString() {
        return "RedisSettings[url=" + (url == null ? null : withoutPassword(url)) + ", configFile=" + configFile
                + ", timeout=" + timeout + "]";
    }

    /** The URL with whatever stands between {@code ://} and {@code @} replaced, for messages and logs. */
    public static String withoutPassword(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
    }
}
