package io.sessionstore.session;

import io.sessionstore.session.cache.CachingSessionStore;
import io.sessionstore.session.metrics.JmxSessionMetrics;
import io.sessionstore.session.metrics.MeteredSessionStore;
import io.sessionstore.session.metrics.SessionMetrics;
import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SessionTooLargeException;
import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisInvalidationFeed;
import io.sessionstore.session.redis.RedisMemory;
import io.sessionstore.session.redis.RedisSessionStore;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreFullException;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.web.PrincipalSessions;
import io.sessionstore.session.web.SessionCookie;
import io.sessionstore.session.web.SessionTracking;
import io.sessionstore.session.web.SessionExpiry;
import io.sessionstore.session.web.SessionListeners;
import io.sessionstore.session.web.SessionRequest;
import io.sessionstore.session.web.SessionRequests;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the container's {@code HttpSession} with one kept in a {@link SessionStore}: Redis, with a near cache on
 * each node, unless another store is given.
 *
 * <p>Map it to {@code /*} for {@code REQUEST}, {@code ASYNC} and {@code ERROR} dispatches, first in the chain
 * ({@link SessionStoreInitializer} does). Includes and forwards reuse the wrapped request; an error page or an async
 * dispatch of a request the filter wrapped goes on with the same session, loaded at most once per request. When the store cannot be reached the answer is the
 * settings' failure status ({@code 503} by default, through {@code sendError}, so the application's error page for
 * it is shown) and nothing of the request is acknowledged. A request that fails with another exception saves nothing
 * after the point of failure.
 *
 * <p>Lifecycle: the constructor only keeps its arguments. {@link #init} builds the store (the Redis client connects
 * on the first command, so the application starts while Redis is down), finds the application's session listeners
 * and starts the expiry sweep ({@link SessionExpiry}, every {@link SessionSettings#housekeepingInterval()} on a
 * daemon thread of its own), publishes the application's {@link PrincipalSessions} and registers its metrics as an
 * MBean ({@link JmxSessionMetrics}); {@link #destroy} unregisters it, stops the sweep, then closes what {@code init}
 * built, in reverse order. Every request is counted ({@link SessionMetrics}: loads, saves, near cache hits, round
 * trips, failure statuses), at no round trip. Thread-safe once initialised.
 */
public final class SessionFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(SessionFilter.class);

    /** How {@link #init} gets the store, and what {@link #destroy} must close. */
    private interface StoreSource {
        SessionStore open(List<AutoCloseable> owned, SessionMetrics metrics) throws IOException;
    }

    /**
     * How long Redis keeps a session after it expired, for a node to claim it and tell the application: far longer
     * than a sweep takes, so that a node that is busy or restarting does not make the application miss the event.
     */
    private static final Duration EXPIRED_KEPT = Duration.ofSeconds(60);

    private final SessionSettings settings;
    private final StoreSource source;
    private final RateLimitedWarning unavailableWarning = new RateLimitedWarning(log, 10_000);
    private final List<AutoCloseable> owned = new ArrayList<>();
    /** The metrics given to the constructor, or null: {@link #init} makes them. */
    private final SessionMetrics givenMetrics;
    private volatile SessionMetrics metrics;
    private volatile SessionRequests requests;

    /** Sessions in the Redis of {@code settings}, through a client of the filter's own. */
    public SessionFilter(SessionSettings settings) {
        this(settings, (owned, metrics) -> {
            RedisConnection connection = RedisConnection.open(settings.redis());
            owned.add(connection);
            return redisStore(settings, connection, owned, metrics);
        }, null);
    }

    /**
     * Sessions in Redis through a client the application shares with the filter; the application closes it, after
     * the filter is destroyed.
     */
    public SessionFilter(SessionSettings settings, RedisConnection connection) {
        this(settings, connection, null);
    }

    /**
     * As {@link #SessionFilter(SessionSettings, RedisConnection)}, counting into {@code metrics}, which the
     * application may also read or add meters to.
     *
     * @param metrics the application's metrics; null: the filter makes its own ({@link #metrics()})
     */
    public SessionFilter(SessionSettings settings, RedisConnection connection, SessionMetrics metrics) {
        this(settings, (owned, counted) -> redisStore(settings, connection, owned, counted), metrics);
    }

    /**
     * Sessions in any store, used as it is: the settings' Redis and near cache do not apply. Whoever made the
     * store closes it, after the filter is destroyed.
     */
    public SessionFilter(SessionSettings settings, SessionStore store) {
        this(settings, (owned, metrics) -> store, null);
    }

    private SessionFilter(SessionSettings settings, StoreSource source, SessionMetrics metrics) {
        this.settings = settings;
        this.source = source;
        this.givenMetrics = metrics;
    }

    /**
     * The application's session metrics, also shown as an MBean while the filter runs
     * ({@link JmxSessionMetrics}).
     *
     * @return the metrics given to the constructor or made by {@link #init}; null before {@code init}
     */
    public SessionMetrics metrics() {
        return metrics;
    }

    /** @throws ServletException when the Redisson configuration cannot be read */
    @Override
    public void init(FilterConfig config) throws ServletException {
        ServletContext context = config.getServletContext();
        AttributeCodec codec = new AttributeCodec(settings.allowedClasses(), context.getClassLoader(),
                settings.sizeLimits());
        metrics = givenMetrics != null ? givenMetrics : new SessionMetrics(context.getContextPath());
        metrics.registerMeters();
        SessionStore store;
        try {
            store = new MeteredSessionStore(source.open(owned, metrics), metrics);
        } catch (IOException e) {
            throw new ServletException("The Redis configuration cannot be read: " + e.getMessage(), e);
        }
        SessionCookie cookie = new SessionCookie(settings.cookieName(), settings.cookieSameSite())
                .withApplicationConfig(config.getServletContext().getSessionCookieConfig());
        requests = new SessionRequests(store, codec,
                SessionTracking.forApplication(cookie, config.getServletContext()),
                SessionListeners.of(config.getServletContext()),
                (int) settings.timeout().toSeconds(),
                settings.failureStatus(),
                settings.principalAttribute());
        startExpirySweep(new SessionExpiry(requests, context), context.getContextPath());
        context.setAttribute(PrincipalSessions.CONTEXT_ATTRIBUTE, new PrincipalSessions(requests, context));
        owned.add(() -> context.removeAttribute(PrincipalSessions.CONTEXT_ATTRIBUTE));
        owned.add(JmxSessionMetrics.register(metrics, host(context)));
    }

    /** The virtual host's name: Tomcat's {@code Catalina/localhost} gives {@code localhost}. */
    private static String host(ServletContext context) {
        String server = context.getVirtualServerName();
        return server == null || server.isEmpty() ? "default" : server.substring(server.lastIndexOf('/') + 1);
    }

    /**
     * Claims expired sessions and tells the application, every housekeeping interval, on a daemon thread of the
     * filter's own, stopped first by {@link #destroy}.
     */
    private void startExpirySweep(SessionExpiry expiry, String contextPath) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "session-store-expiry " + (contextPath.isEmpty() ? "/" : contextPath));
            thread.setDaemon(true);
            return thread;
        });
        long millis = settings.housekeepingInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                expiry.run();
            } catch (SessionStoreUnavailableException e) {
                // Redis not answering has its own line (RedisConnection); a refusal, such as an ACL's, is said here.
                if (!RedisConnection.unanswered(e)) {
                    unavailableWarning.warn("Expired sessions cannot be claimed: {}", e.getMessage());
                }
            } catch (RuntimeException e) {
                log.error("The sweep of expired sessions failed; it runs again in {} ms", millis, e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        owned.add(() -> {
            sweeper.shutdown();
            if (!sweeper.awaitTermination(10, TimeUnit.SECONDS)) {
                sweeper.shutdownNow();
            }
        });
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (requests.owns(request)) {
            chain.doFilter(request, response); // already ours: a forward or include within the application
            return;
        }
        SessionRequest sessionRequest = requests.wrap(request, response);
        try {
            chain.doFilter(sessionRequest, sessionRequest.response());
            sessionRequest.commit();
        } catch (IOException | ServletException | RuntimeException e) {
            SessionTooLargeException tooLarge = find(e, SessionTooLargeException.class);
            if (tooLarge != null) {
                // A value over a size limit the application did not handle: its words in the log, not the page's.
                log.error("Answering 500: {}", tooLarge.getMessage());
                if (!response.isCommitted()) {
                    response.resetBuffer();
                    response.sendError(500, "A session value is over its size limit");
                }
                return;
            }
            SessionStoreUnavailableException unavailable = find(e, SessionStoreUnavailableException.class);
            if (unavailable == null) {
                throw e;
            }
            boolean full = unavailable instanceof SessionStoreFullException;
            // The store's own words, which never quote Redis's (those name keys and values).
            unavailableWarning.warn("Answering {}: {}", settings.failureStatus(), unavailable.getMessage());
            if (!response.isCommitted()) {
                metrics.unavailableResponse(full);
                response.resetBuffer();
                response.sendError(settings.failureStatus(),
                        full ? "The session store is full" : "The session store is unavailable");
            }
        }
    }

    /** Closes, in reverse order, what {@link #init} built: the near cache's subscription, the Redis client. */
    @Override
    public void destroy() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", owned.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        owned.clear();
    }

    private static SessionStore redisStore(SessionSettings settings, RedisConnection connection,
                                           List<AutoCloseable> owned, SessionMetrics metrics) {
        checkRedis(connection, settings.keyPrefix());
        SessionStore store;
        if (settings.nearCache()) {
            RedisInvalidationFeed feed = new RedisInvalidationFeed(connection, settings.keyPrefix(),
                    settings.nearCacheTrust());
            RedisSessionStore redis = new RedisSessionStore(connection, settings.keyPrefix(), EXPIRED_KEPT,
                    settings.housekeepingInterval(), feed, settings.replicaAcks());
            redis.timeRoundTrips(metrics);
            CachingSessionStore caching = new CachingSessionStore(redis, feed, settings.nearCacheMaxEntries(),
                    settings.nearCacheMaxBytes(), settings.nearCacheMaxAge(), settings.nearCacheTrust());
            caching.countLookups(metrics);
            metrics.gaugeNearCache(caching);
            store = caching;
        } else {
            RedisSessionStore redis = new RedisSessionStore(connection, settings.keyPrefix(), EXPIRED_KEPT,
                    settings.housekeepingInterval(), null, settings.replicaAcks());
            redis.timeRoundTrips(metrics);
            store = redis;
        }
        owned.add(store);
        return store;
    }

    /**
     * One line when Redis refuses a script on the key prefix (or does not answer), as the store's commands would be
     * refused, and one when its eviction policy can evict sessions. The refusal first: nothing else is said of a
     * Redis that refuses. One round trip at start, two when Redis can be used: the application starts all the same
     * (requests that need their session answer the failure status until Redis takes commands).
     */
    private static void checkRedis(RedisConnection connection, String keyPrefix) {
        Optional<String> refusal = connection.refusal(keyPrefix + "probe");
        if (refusal.isPresent()) {
            log.warn("{}; until then, requests that need their session are answered with the failure status",
                    refusal.get());
            return;
        }
        RedisMemory.read(connection).filter(RedisMemory::mayEvictSessions).ifPresent(memory -> log.warn(
                "Redis's maxmemory-policy is {}: at its maxmemory ({} bytes) Redis evicts sessions, logging their users"
                        + " out{}; set maxmemory-policy noeviction (a full Redis then refuses new sign-ins with 503"
                        + " and keeps every session)", memory.policy(), memory.maxBytes(),
                memory.policy().startsWith("allkeys")
                        ? " and losing the expiry index (timeout events)" : ", the least recently used first"));
    }

    /** {@code e} or its first cause of {@code type}, or null. */
    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
