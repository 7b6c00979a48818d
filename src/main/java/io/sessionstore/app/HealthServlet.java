package io.sessionstore.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /health}: {@code 200 {"status":"UP"}} while Redis answers, else {@code 503 {"status":"DOWN"}}; while
 * Redis is full (new sign-ins refused, signed-in users served), {@code 200 {"status":"UP","sessionStore":"FULL"}};
 * while its {@code maxmemory-policy} can evict sessions,
 * {@code 200 {"status":"UP","sessionStore":"MAY_EVICT","maxmemoryPolicy":"allkeys-lru"}}.
 */
public final class HealthServlet extends HttpServlet {

    private final transient RedisHealth health;

    public HealthServlet(RedisHealth health) {
        this.health = health;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        RedisHealth.Status status = health.check();
        response.setStatus(status.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body(status));
    }

    private static String body(RedisHealth.Status status) {
        if (!status.up()) {
            return "{\"status\":\"DOWN\"}";
        }
        if (status.memory().full()) {
            return "{\"status\":\"UP\",\"sessionStore\":\"FULL\"}";
        }
        if (status.memory().mayEvictSessions()) {
            // The policy is a Redis token ([a-z-]+): no JSON escaping needed.
            return "{\"status\":\"UP\",\"sessionStore\":\"MAY_EVICT\",\"maxmemoryPolicy\":\""
                    + status.memory().policy().replaceAll("[^a-z-]", "") + "\"}";
        }
        return "{\"status\":\"UP\"}";
    }
}
