package io.sessionstore.app;

import io.sessionstore.session.SessionSettings;
import java.util.function.UnaryOperator;

/**
 * The demo application's settings: its own, read with the session layer's lookup ({@link SessionSettings#lookup}:
 * context parameter, system property, environment), and the session layer's, which hold the Redis of the counter.
 *
 * @param visitTtlSeconds     the visit counter's sliding window
 * @param requireRedisAtStart fail the start when Redis does not answer (the embedded launcher sets it); a WAR in a
 *                            standalone Tomcat starts anyway and answers 503 until Redis is back
 * @param metricsEnabled      serve {@code GET /metrics} in the Prometheus text format ({@code METRICS_ENABLED});
 *                            off by default: {@code 404}
 * @param sessions            the session layer's settings; their Redis holds the visit counter too
 */
public record AppSettings(int visitTtlSeconds, boolean requireRedisAtStart, boolean metricsEnabled,
                          SessionSettings sessions) {

    public static final String VISIT_TTL_SECONDS = "VISIT_TTL_SECONDS";
    public static final String REDIS_REQUIRED_AT_START = "REDIS_REQUIRED_AT_START";
    public static final String METRICS_ENABLED = "METRICS_ENABLED";

    /**
     * @param lookup   a name's value from the most specific source, or null
     * @param sessions the session layer's settings, as the library read them
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    public static AppSettings read(UnaryOperator<String> lookup, SessionSettings sessions) {
        return new AppSettings(visitTtl(lookup), Boolean.parseBoolean(text(lookup, REDIS_REQUIRED_AT_START, "false")),
                metricsEnabled(lookup), sessions);
    }

    private static boolean metricsEnabled(UnaryOperator<String> lookup) {
        String value = text(lookup, METRICS_ENABLED, "false");
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(METRICS_ENABLED + " must be 'true' or 'false', not '" + value + "'");
    }

    private static int visitTtl(UnaryOperator<String> lookup) {
        String value = text(lookup, VISIT_TTL_SECONDS, "30");
        try {
            int seconds = Integer.parseInt(value);
            if (seconds >= 1) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(VISIT_TTL_SECONDS + " must be a whole number of at least 1, not '"
                + value + "'");
    }

    private static String text(UnaryOperator<String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
