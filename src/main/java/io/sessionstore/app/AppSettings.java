package io.sessionstore.app;

import io.sessionstore.session.RedisConnectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Every setting of the application, read in one place. Each name is looked up as a servlet context parameter
 * first (so {@code context.xml} can set it for one web application), then as an environment variable.
 *
 * @param sessionStore  {@code redis}, or {@code container} for Tomcat's own in-memory sessions (the baseline)
 * @param nearCache     keep recently used sessions on each node, kept coherent through Redis (default on)
 * @param requireRedisAtStart fail the start when Redis does not answer (the embedded launcher sets it); a WAR in a
 *                      standalone Tomcat starts anyway and answers 503 until Redis is back
 */
public record AppSettings(String sessionStore, RedisConnectionSettings redis, int sessionTimeoutSeconds,
                          int visitTtlSeconds, String keyPrefix, String allowedClasses, boolean nearCache,
                          boolean requireRedisAtStart) {

    public static final String REDIS_URL = "REDIS_URL";
    public static final String REDISSON_CONFIG = "REDISSON_CONFIG";
    public static final String REDIS_TIMEOUT_MS = "REDIS_TIMEOUT_MS";
    public static final String SESSION_TIMEOUT_SECONDS = "SESSION_TIMEOUT_SECONDS";
    public static final String VISIT_TTL_SECONDS = "VISIT_TTL_SECONDS";
    public static final String KEY_PREFIX = "KEY_PREFIX";
    public static final String SESSION_STORE = "SESSION_STORE";
    public static final String SESSION_ALLOWED_CLASSES = "SESSION_ALLOWED_CLASSES";
    public static final String SESSION_NEAR_CACHE = "SESSION_NEAR_CACHE";
    public static final String REDIS_REQUIRED_AT_START = "REDIS_REQUIRED_AT_START";

    public boolean redisSessions() {
        return "redis".equals(sessionStore);
    }

    /**
     * @param lookup a name's value from the most specific source (context parameter, then environment), or null
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    public static AppSettings read(UnaryOperator<String> lookup) {
        String store = text(lookup, SESSION_STORE, "redis").toLowerCase(Locale.ROOT);
        if (!store.equals("redis") && !store.equals("container")) {
            throw new IllegalArgumentException(SESSION_STORE + " must be 'redis' or 'container', not '" + store + "'");
        }
        String configFile = text(lookup, REDISSON_CONFIG, "");
        if (!configFile.isEmpty() && !(Files.isRegularFile(Path.of(configFile)) && Files.isReadable(Path.of(configFile)))) {
            throw new IllegalArgumentException(REDISSON_CONFIG + " names no readable file: " + configFile);
        }
        RedisConnectionSettings redis = new RedisConnectionSettings(
                text(lookup, REDIS_URL, "redis://127.0.0.1:6379"),
                configFile.isEmpty() ? null : Path.of(configFile),
                number(lookup, REDIS_TIMEOUT_MS, 800, 50));
        String prefix = text(lookup, KEY_PREFIX, "sessionstore:");
        return new AppSettings(store, redis,
                number(lookup, SESSION_TIMEOUT_SECONDS, 1800, 1),
                number(lookup, VISIT_TTL_SECONDS, 30, 1),
                prefix,
                text(lookup, SESSION_ALLOWED_CLASSES, ""),
                onOff(lookup, SESSION_NEAR_CACHE, true),
                Boolean.parseBoolean(text(lookup, REDIS_REQUIRED_AT_START, "false")));
    }

    private static String text(UnaryOperator<String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static boolean onOff(UnaryOperator<String> lookup, String name, boolean fallback) {
        String value = text(lookup, name, fallback ? "on" : "off").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be 'on' or 'off', not '" + value + "'");
        };
    }

    private static int number(UnaryOperator<String> lookup, String name, int fallback, int min) {
        String value = text(lookup, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least " + min + ", not '" + value + "'");
    }
}
