package io.sessionstore.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.SessionStoreInitializer;
import io.sessionstore.session.metrics.SessionMetrics;
import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisSessionCount;
import io.sessionstore.session.redis.ReplicaAcks;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo: reads {@link AppSettings} and registers the servlets with what they need. The session layer is
 * registered by the library itself, as for any application ({@link SessionStoreInitializer}); the visit counter
 * shares its Redis connection, or opens one when the container's sessions are used
 * ({@code SESSION_STORE=container}). With {@code METRICS_ENABLED=true} it serves {@code GET /metrics}
 * ({@link MetricsServlet}) from a Prometheus registry added to the application's {@link SessionMetrics}.
 * A start that cannot go on leaves its reason in the context attribute {@link #STARTUP_PROBLEM}.
 */
public final class AppContextListener implements ServletContextListener {

    public static final String STARTUP_PROBLEM = SessionStoreInitializer.STARTUP_PROBLEM;
    private static final Logger log = LoggerFactory.getLogger(AppContextListener.class);

    private RedisConnection redis;
    /** Whether this listener opened {@link #redis} (the session layer is off) and so closes it. */
    private boolean ownConnection;
    /** The registry behind {@code GET /metrics}, while {@code METRICS_ENABLED=true}. */
    private PrometheusMeterRegistry prometheus;
    private SessionMetrics metrics;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        AppSettings settings;
        try {
            settings = AppSettings.read(SessionSettings.lookup(context), SessionSettings.read(context));
            // The session layer shares its connection when it is on; with the container's sessions, open one.
            redis = (RedisConnection) context.getAttribute(SessionStoreInitializer.REDIS_CONNECTION);
            if (redis == null) {
                redis = RedisConnection.open(settings.sessions().redis());
                ownConnection = true;
            }
        } catch (IllegalArgumentException | IOException e) {
            throw fail(context, "Configuration error: " + e.getMessage());
        }
        SessionSettings sessions = settings.sessions();
        // The session layer's metrics when it is on; the demo's own counters otherwise. The Prometheus registry goes
        // in before any meter is registered, so that it has every one from the start.
        metrics = context.getAttribute(SessionMetrics.CONTEXT_ATTRIBUTE) instanceof SessionMetrics layer ? layer
                : new SessionMetrics(context.getContextPath());
        if (settings.metricsEnabled()) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.registry().add(prometheus);
            context.addServlet("metrics", new MetricsServlet(prometheus)).addMapping("/metrics");
        }
        RedisHealth health = new RedisHealth(redis, metrics,
                ownConnection ? null : new RedisSessionCount(redis, sessions.keyPrefix()),
                !ownConnection && sessions.nearCache());
        if (settings.requireRedisAtStart()) {
            // The first command also opens the client's connections, which over TLS can take longer than the
            // timeout on a cold JVM (a handshake each): the second one, a script on the key prefix as the session
            // store's are (so that an ACL forbidding either is found), decides and says why.
            health.check();
            Optional<String> refusal = redis.refusal(sessions.keyPrefix() + "probe");
            if (refusal.isPresent()) {
                throw fail(context, refusal.get() + ".");
            }
        }
        if (ownConnection) {
            context.setSessionTimeout((int) Math.max(1, sessions.timeout().toMinutes()));
        }
        CsrfCookie csrf = new CsrfCookie();
        VisitCounter visits = new VisitCounter(redis, new ReplicaAcks(redis, sessions.replicaAcks()),
                sessions.keyPrefix(), settings.visitTtlSeconds(), metrics);
        context.addServlet("visits", new VisitServlet(visits, csrf, settings.visitTtlSeconds())).addMapping("");
        context.addServlet("login", new LoginServlet(csrf, settings.visitTtlSeconds())).addMapping("/login");
        context.addServlet("logout", new LogoutServlet(csrf)).addMapping("/logout");
        context.addServlet("sessions", new SessionsServlet(csrf)).addMapping("/sessions");
        context.addServlet("health", new HealthServlet(health)).addMapping("/health");
        log.info("Demo started: sessions in {}, visit counter in {}", ownConnection ? "the container" : "Redis",
                sessions.redis().describe());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (prometheus != null) {
            metrics.registry().remove(prometheus);
            prometheus.close();
        }
        if (redis != null && ownConnection) {
            redis.close();
        }
    }

    private IllegalStateException fail(ServletContext context, String problem) {
        context.setAttribute(STARTUP_PROBLEM, problem);
        if (redis != null && ownConnection) {
            redis.close();
        }
        redis = null;
        return new IllegalStateException(problem);
    }
}
