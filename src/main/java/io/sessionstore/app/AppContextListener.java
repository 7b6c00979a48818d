package io.sessionstore.app;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import io.sessionstore.session.redis.RedisConnection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the application: reads {@link AppSettings}, opens the one Redis connection of this web application (the
 * visit counter's and the sessions'), and registers the session filter (unless {@code SESSION_STORE=container})
 * and the servlets with what they need.
 * A start that cannot go on leaves its reason in the context attribute {@link #STARTUP_PROBLEM}.
 */
public final class AppContextListener implements ServletContextListener {

    public static final String STARTUP_PROBLEM = "io.sessionstore.startupProblem";
    private static final Logger log = LoggerFactory.getLogger(AppContextListener.class);

    private RedisConnection redis;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        AppSettings settings;
        try {
            settings = AppSettings.read(SessionSettings.lookup(context));
            redis = RedisConnection.open(settings.sessions().redis());
        } catch (IllegalArgumentException | IOException e) {
            throw fail(context, "Configuration error: " + e.getMessage());
        }
        SessionSettings sessions = settings.sessions();
        RedisHealth health = new RedisHealth(redis);
        if (settings.requireRedisAtStart() && !health.isUp()) {
            throw fail(context, "Cannot reach Redis at " + sessions.redis().describe()
                    + ". Start it (for example: redis-server --daemonize yes) or point REDIS_URL at it.");
        }
        CsrfCookie csrf = new CsrfCookie();
        VisitCounter visits = new VisitCounter(redis, sessions.keyPrefix(), settings.visitTtlSeconds());
        if (settings.redisSessions()) {
            context.addFilter("sessions", new SessionFilter(sessions, redis))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        } else {
            context.setSessionTimeout((int) Math.max(1, sessions.timeout().toMinutes()));
        }
        context.addServlet("visits", new VisitServlet(visits, csrf, settings.visitTtlSeconds())).addMapping("");
        context.addServlet("login", new LoginServlet(csrf, settings.visitTtlSeconds())).addMapping("/login");
        context.addServlet("logout", new LogoutServlet(csrf)).addMapping("/logout");
        context.addServlet("health", new HealthServlet(health)).addMapping("/health");
        log.info("session-store started: sessions in {}{}, Redis at {}, key prefix '{}'",
                settings.redisSessions() ? "Redis" : "the container",
                settings.redisSessions() && sessions.nearCache() ? " with a near cache" : "",
                sessions.redis().describe(), sessions.keyPrefix());
    }

    /** Filters are destroyed before this is called ({@code ServletContextListener.contextDestroyed}): the connection is free. */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (redis != null) {
            redis.close();
        }
    }

    private IllegalStateException fail(ServletContext context, String problem) {
        context.setAttribute(STARTUP_PROBLEM, problem);
        if (redis != null) {
            redis.close();
            redis = null;
        }
        return new IllegalStateException(problem);
    }
}
