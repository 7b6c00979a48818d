package io.sessionstore.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * {@code GET /health}, for load balancers: {@code 200 {"status":"UP"}} while Redis answers, else
 * {@code 503 {"status":"DOWN"}}; while Redis is full (new sign-ins refused, signed-in users served),
 * {@code 200 {"status":"UP","sessionStore":"FULL"}}; while its {@code maxmemory-policy} can evict sessions,
 * {@code 200 {"status":"UP","sessionStore":"MAY_EVICT","maxmemoryPolicy":"allkeys-lru"}}. One round trip.
 *
 * <p>{@code GET /health?details}, for operators: the same status codes, with every detail, for example
 * {@code {"status":"UP","sessionStore":"OK","maxmemoryPolicy":"noeviction","usedMemoryBytes":1048576,
 * "maxmemoryBytes":0,"redisRoundTripMillis":0.412,"nearCache":true,"sessions":42}}: {@code sessionStore} is
 * {@code OK}, {@code FULL} or {@code MAY_EVICT}; the round trip is the check's own; {@code sessions} is an estimate
 * ({@link io.sessionstore.session.redis.RedisSessionCount}), left out while Redis is down or when the container's
 * sessions are used. Two round trips. No session either way.
 */
public final class HealthServlet extends HttpServlet {

    private final transient RedisHealth health;

    public HealthServlet(RedisHealth health) {
        this.health = health;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean details = request.getParameter("details") != null;
        RedisHealth.Details found = details ? health.details() : null;
        RedisHealth.Status status = details ? found.status() : health.check();
        response.setStatus(status.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(details ? details(found) : body(status));
    }

    private static String body(RedisHealth.Status status) {
        if (!status.up()) {
            return "{\"status\":\"DOWN\"}";
        }
        if (status.memory().full()) {
            return "{\"status\":\"UP\",\"sessionStore\":\"FULL\"}";
        }
        if (status.memory().mayEvictSessions()) {
            return "{\"status\":\"UP\",\"sessionStore\":\"MAY_EVICT\",\"maxmemoryPolicy\":\""
                    + policy(status) + "\"}";
        }
        return "{\"status\":\"UP\"}";
    }

    private static String details(RedisHealth.Details details) {
        RedisHealth.Status status = details.status();
        StringBuilder json = new StringBuilder("{\"status\":\"").append(status.up() ? "UP" : "DOWN").append('"');
        if (status.up()) {
            json.append(",\"sessionStore\":\"").append(status.memory().full() ? "FULL"
                    : status.memory().mayEvictSessions() ? "MAY_EVICT" : "OK").append('"')
                    .append(",\"maxmemoryPolicy\":\"").append(policy(status)).append('"')
                    .append(",\"usedMemoryBytes\":").append(status.memory().usedBytes())
                    .append(",\"maxmemoryBytes\":").append(status.memory().maxBytes());
        }
        json.append(",\"redisRoundTripMillis\":")
                .append(String.format(Locale.ROOT, "%.3f", status.roundTripNanos() / 1e6))
                .append(",\"nearCache\":").append(details.nearCache());
        details.sessions().ifPresent(count -> json.append(",\"sessions\":").append(count));
        return json.append('}').toString();
    }

    /** The policy is a Redis token ([a-z-]+): kept to those characters, it needs no JSON escaping. */
    private static String policy(RedisHealth.Status status) {
        return status.memory().policy().replaceAll("[^a-z-]", "");
    }
}
