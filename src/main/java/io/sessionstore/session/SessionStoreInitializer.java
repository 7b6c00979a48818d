package io.sessionstore.session;

import io.sessionstore.session.metrics.SessionMetrics;
import io.sessionstore.session.redis.RedisConnection;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a web application Redis sessions with no change to it: found by the container through
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer} (Servlet 6.1, section 8.2.4), whether the
 * library's jar is in Tomcat's {@code lib/} (every application) or in one application's {@code WEB-INF/lib}, and also
 * for applications whose {@code web.xml} is {@code metadata-complete}.
 *
 * <p>For each application it reads {@link SessionSettings#read(ServletContext)}, opens one {@link RedisConnection}
 * (published as the context attribute {@link #REDIS_CONNECTION} for the application's own keys, closed when the
 * application stops), makes the application's {@link SessionMetrics} (published as the context attribute
 * {@link SessionMetrics#CONTEXT_ATTRIBUTE}, for an application that exposes them; shown in JMX while the filter
 * runs) and registers a {@link SessionFilter} before every filter the application declares, for
 * every dispatch type ({@code REQUEST}, {@code ASYNC}, {@code ERROR}, and {@code FORWARD} and {@code INCLUDE} for
 * cross-context dispatches into it), async-supported. {@code SESSION_STORE=container} turns it
 * off for that application: the container's own sessions stay. A setting the library cannot use stops the
 * application's start with a message naming it.
 */
public final class SessionStoreInitializer implements ServletContainerInitializer {

    /** The context attribute holding the application's {@link RedisConnection}, while the filter is on. */
    public static final String REDIS_CONNECTION = RedisConnection.class.getName();
    /** {@code redis} (the default) or {@code container}: the container's own sessions, the filter not registered. */
    public static final String SESSION_STORE = "SESSION_STORE";
    /**
     * The context attribute in which a start that cannot go on leaves its reason, one line naming the setting and
     * the value, for a host that wants to show it (the embedded launcher prints it).
     */
    public static final String STARTUP_PROBLEM = "io.sessionstore.startupProblem";
    /** The name the filter is registered under. */
    public static final String FILTER_NAME = "session-store";

    private static final Logger log = LoggerFactory.getLogger(SessionStoreInitializer.class);

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        SessionSettings settings;
        RedisConnection connection;
        try {
            if (!redisSessions(SessionSettings.lookup(context))) {
                log.info("session-store is off for {} ({}=container): the container's sessions are used",
                        name(context), SESSION_STORE);
                return;
            }
            settings = SessionSettings.read(context);
            connection = RedisConnection.open(settings.redis());
        } catch (IllegalArgumentException | IOException e) {
            context.setAttribute(STARTUP_PROBLEM, "Configuration error: " + e.getMessage());
            throw new ServletException("session-store cannot start for " + name(context) + ": " + e.getMessage(), e);
        }
        SessionMetrics metrics = new SessionMetrics(context.getContextPath());
        FilterRegistration.Dynamic filter = context.addFilter(FILTER_NAME,
                new SessionFilter(settings, connection, metrics));
        if (filter == null) {
            // The application declares a filter of that name itself: it has wired the library on its own.
            log.info("session-store: {} declares a filter named '{}' already; not registered again", name(context),
                    FILTER_NAME);
            connection.close();
            return;
        }
        context.setAttribute(REDIS_CONNECTION, connection);
        context.setAttribute(SessionMetrics.CONTEXT_ATTRIBUTE, metrics);
        context.addListener(new ConnectionCloser(connection));
        filter.setAsyncSupported(true);
        // FORWARD and INCLUDE for a cross-context dispatch into this application, which then uses its own sessions.
        filter.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        log.info("session-store is on for {}: sessions in {}{}, key prefix '{}'", name(context),
                settings.redis().describe(), settings.nearCache() ? " with a near cache" : "", settings.keyPrefix());
    }

    /**
     * Whether {@code SESSION_STORE} asks for Redis sessions: {@code redis} (the default) or {@code container}.
     *
     * @throws IllegalArgumentException naming the setting and the value when it is neither
     */
    public static boolean redisSessions(UnaryOperator<String> lookup) {
        String value = lookup.apply(SESSION_STORE);
        String store = value == null || value.isBlank() ? "redis" : value.strip().toLowerCase(Locale.ROOT);
        return switch (store) {
            case "redis" -> true;
            case "container" -> false;
            default -> throw new IllegalArgumentException(SESSION_STORE
                    + " must be 'redis' or 'container', not '" + value.strip() + "'");
        };
    }

    private static String name(ServletContext context) {
        return context.getContextPath().isEmpty() ? "the root application" : context.getContextPath();
    }

    /** Filters are destroyed before listeners are told (ServletContextListener#contextDestroyed): the last user. */
    private record ConnectionCloser(RedisConnection connection) implements ServletContextListener {
        @Override
        public void contextDestroyed(ServletContextEvent event) {
            event.getServletContext().removeAttribute(REDIS_CONNECTION);
            event.getServletContext().removeAttribute(SessionMetrics.CONTEXT_ATTRIBUTE);
            connection.close();
        }
    }
}
