package io.sessionstore.session.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Redis: a {@code redis://} or {@code rediss://} URL, or a Redisson YAML file (cluster, sentinel,
 * replicated, TLS set-ups), which wins over the URL; and the bound on every command. Immutable; checked when built.
 *
 * @param url        {@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS; user and password
 *                   percent-encoded
 * @param configFile a readable Redisson YAML file, or null
 * @param timeout    connect and command timeout, at least 50 ms; commands are never retried (see
 *                   {@link RedisConnection})
 */
public record RedisSettings(String url, Path configFile, Duration timeout) {

    /** The shortest timeout accepted: below it, a loaded machine times out commands that Redis did answer. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(50);
    /** The longest: a request waits this long for a Redis that hangs. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    /** @throws IllegalArgumentException naming what is wrong: a URL of another form, a file that cannot be read */
    public RedisSettings {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the Redis timeout must be between " + MIN_TIMEOUT.toMillis()
                    + " and " + MAX_TIMEOUT.toMillis() + " ms, not " + timeout.toMillis() + " ms");
        }
        if (configFile != null && !(Files.isRegularFile(configFile) && Files.isReadable(configFile))) {
            throw new IllegalArgumentException("no readable file at " + configFile);
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

    /** @throws IllegalArgumentException naming the URL, its password left out, when it is not a Redis URL */
    static URI uri(String url) {
        Objects.requireNonNull(url, "url");
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
