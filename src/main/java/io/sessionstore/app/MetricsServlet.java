package io.sessionstore.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /metrics}, registered only with {@code METRICS_ENABLED=true}: every meter of the application's
 * {@link io.sessionstore.session.metrics.SessionMetrics} in the Prometheus text format (version 0.0.4), as
 * Micrometer's Prometheus registry writes it. Reads counters kept in memory: no round trip, no session.
 */
public final class MetricsServlet extends HttpServlet {

    /** The Prometheus text exposition format's media type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient PrometheusMeterRegistry registry;

    /** @param registry the registry to scrape, added to the application's metrics; not null */
    public MetricsServlet(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(registry.scrape());
    }
}
