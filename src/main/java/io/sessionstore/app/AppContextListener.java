package io.sessionstore.app;

import io.sessionstore.session.AttributeCodec;
import io.sessionstore.session.NearCache;
import io.sessionstore.session.RedisSessionRepository;
import io.sessionstore.session.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the application: reads {@link AppSettings}, creates the one Redisson client of this web application,
 * and registers the session filter (unless {@code SESSION_STORE=container}) and the servlets with what they need.
 * A start that cannot go on leaves its reason in the context attribute {@link #STARTUP_PROBLEM}.
 */
public final class AppContextListener implements ServletContextListener {

    public static final String STARTUP_PROBLEM = "io.sessionstore.startupProblem";
    private static final Logger log = LoggerFactory.getLogger(AppContextListener.class);

    private RedissonClient redisson;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        AppSettings settings;
        NearCache nearCache;
        try {
            settings = AppSettings.read(name -> {
                String value = context.getInitParameter(name);
                return value != null ? value : System.getenv(name);
            });
            nearCache = settings.redisSessions() && settings.nearCache()
                    ? NearCache.forSessionTimeout(settings.sessionTimeoutSeconds()) : null;
            redisson = settings.redis().connect(nearCache == null ? null : nearCache.connectionListener());
        } catch (IllegalArgumentException | IOException e) {
            throw fail(context, "Configuration error: " + e.getMessage());
        }
        RedisHealth health = new RedisHealth(redisson);
        if (settings.requireRedisAtStart() && !health.isUp()) {
            throw fail(context, "Cannot reach Redis at " + settings.redis().describe()
                    + ". Start it (for example: redis-server --daemonize yes) or point REDIS_URL at it.");
        }
        CsrfCookie csrf = new CsrfCookie();
        VisitCounter visits = new VisitCounter(redisson, settings.keyPrefix(), settings.visitTtlSeconds());
        if (settings.redisSessions()) {
            SessionFilter sessions = new SessionFilter(
                    new RedisSessionRepository(redisson, settings.keyPrefix(), nearCache),
                    new AttributeCodec(settings.allowedClasses(), context.getClassLoader()),
                    settings.sessionTimeoutSeconds());
            context.addFilter("sessions", sessions)
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        } else {
            context.setSessionTimeout(Math.max(1, settings.sessionTimeoutSeconds() / 60));
        }
        context.addServlet("visits", new VisitServlet(visits, csrf, settings.visitTtlSeconds())).addMapping("");
        context.addServlet("login", new LoginServlet(csrf, settings.visitTtlSeconds())).addMapping("/login");
        context.addServlet("logout", new LogoutServlet(csrf)).addMapping("/logout");
        context.addServlet("health", new HealthServlet(health)).addMapping("/health");
        log.info("session-store started: sessions in {}{}, Redis at {}, key prefix '{}'",
                settings.redisSessions() ? "Redis" : "the container", nearCache != null ? " with a near cache" : "",
                settings.redis().describe(), settings.keyPrefix());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (redisson != null) {
            // Wait for Redisson's threads, or Tomcat reports them as leaked by the web application.
            redisson.shutdown(0, 5, TimeUnit.SECONDS);
        }
    }

    private IllegalStateException fail(ServletContext context, String problem) {
        context.setAttribute(STARTUP_PROBLEM, problem);
        if (redisson != null) {
            redisson.shutdown();
            redisson = null;
        }
        return new IllegalStateException(problem);
    }
}
