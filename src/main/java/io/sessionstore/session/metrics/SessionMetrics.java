package io.sessionstore.session.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionstore.session.cache.CachingSessionStore;
import io.sessionstore.session.cache.NearCacheLookups;
import io.sessionstore.session.redis.RoundTripListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The session store's counters for one web application, as Micrometer meters, named and tagged so that Micrometer's
 * Prometheus naming gives the names below (base units: seconds; every meter also carries the tag {@code context},
 * the application's context path, {@code /} for the root):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Prometheus name</th><th>Type</th><th>Meaning</th></tr>
 *   <tr><td>{@code sessionstore_session_creations_total}</td><td>counter</td><td>sessions stored for the first
 *       time</td></tr>
 *   <tr><td>{@code sessionstore_sessions_loaded_total}</td><td>counter</td><td>loads that found the session, from
 *       the near cache or from Redis</td></tr>
 *   <tr><td>{@code sessionstore_sessions_not_found_total}</td><td>counter</td><td>loads that found nothing (an
 *       unknown, expired or logged-out id)</td></tr>
 *   <tr><td>{@code sessionstore_sessions_saved_total}</td><td>counter</td><td>changes written to a stored session
 *       (an id change included)</td></tr>
 *   <tr><td>{@code sessionstore_sessions_invalidated_total}</td><td>counter</td><td>sessions deleted by
 *       {@code invalidate()}</td></tr>
 *   <tr><td>{@code sessionstore_sessions_expired_total}</td><td>counter</td><td>timed-out sessions this node
 *       claimed and told the application of</td></tr>
 *   <tr><td>{@code sessionstore_sessions_unreadable_total}</td><td>counter</td><td>stored sessions that could not
 *       be read back and were dropped</td></tr>
 *   <tr><td>{@code sessionstore_near_cache_gets_total{result="hit|miss"}}</td><td>counter</td><td>loads answered
 *       from the near cache, or passed on to Redis</td></tr>
 *   <tr><td>{@code sessionstore_near_cache_entries}, {@code sessionstore_near_cache_estimated_bytes}</td>
 *       <td>gauges</td><td>what the near cache holds, and its estimated heap ({@link #gaugeNearCache})</td></tr>
 *   <tr><td>{@code sessionstore_redis_round_trip_seconds{operation}}</td><td>histogram</td><td>round trips to Redis
 *       and how long each took ({@code _count} is the number of round trips)</td></tr>
 *   <tr><td>{@code sessionstore_unavailable_responses_total{reason="unavailable|full"}}</td><td>counter</td>
 *       <td>requests answered with the failure status ({@code 503}) because Redis did not answer or was
 *       full</td></tr>
 * </table>
 *
 * <p>The meters live in {@link #registry()}, a composite that always holds a {@link SimpleMeterRegistry} (read by
 * the JMX view, {@link JmxSessionMetrics}); an application that exposes metrics adds its own registry to it (the
 * demo adds a Prometheus registry from its {@code ServletContextListener}, which runs before the session filter
 * starts and registers the meters), and the meters show there too. Counting costs an increment per child registry:
 * no lock, no allocation, no round trip. ({@code _created} is a suffix the Prometheus client reserves, hence
 * {@code session_creations}.)
 *
 * <p>Thread-safe.
 */
public final class SessionMetrics implements NearCacheLookups, RoundTripListener {

    /** The context attribute under which the session layer publishes an application's metrics. */
    public static final String CONTEXT_ATTRIBUTE = SessionMetrics.class.getName();

    /** The round trips of the session store; others are added as they are first timed. */
    private static final List<String> STORE_OPERATIONS = List.of("load", "last_access", "save", "delete",
            "announce", "touch_batch", "expiry_sweep");

    /** Bucket bounds of the round-trip histogram: from loopback (well under 1 ms) to a timed-out command. */
    private static final Duration[] ROUND_TRIP_BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)};

    private final String context;
    private final SimpleMeterRegistry local = new SimpleMeterRegistry();
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    /** Null until first needed: registered after the application had its chance to add registries. */
    private volatile Meters meters;

    /** Every meter, registered at once, at zero. */
    private final class Meters {
        final Counter created = counter("sessionstore.session.creations", "Sessions stored for the first time");
        final Counter loaded = counter("sessionstore.sessions.loaded",
                "Loads that found the session, from the near cache or Redis");
        final Counter notFound = counter("sessionstore.sessions.not.found", "Loads that found no session");
        final Counter saved = counter("sessionstore.sessions.saved", "Changes written to a stored session");
        final Counter invalidated = counter("sessionstore.sessions.invalidated", "Sessions deleted by invalidate()");
        final Counter expired = counter("sessionstore.sessions.expired",
                "Timed-out sessions claimed and told of by this node");
        final Counter unreadable = counter("sessionstore.sessions.unreadable",
                "Stored sessions that could not be read back, dropped");
        final Counter hits = nearCacheGets("hit");
        final Counter misses = nearCacheGets("miss");
        final Counter unavailable = unavailableResponses("unavailable");
        final Counter full = unavailableResponses("full");
        final Map<String, Timer> roundTrips = new ConcurrentHashMap<>();

        Meters() {
            STORE_OPERATIONS.forEach(this::roundTripTimer);
        }

        Timer roundTripTimer(String operation) {
            Timer timer = roundTrips.get(operation);
            return timer != null ? timer : roundTrips.computeIfAbsent(operation,
                    name -> Timer.builder("sessionstore.redis.round.trip").tag("operation", name)
                            .description("Round trips to Redis by operation, and their latency")
                            .serviceLevelObjectives(ROUND_TRIP_BUCKETS).register(registry));
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).register(registry);
        }

        private Counter nearCacheGets(String result) {
            return Counter.builder("sessionstore.near.cache.gets").tag("result", result)
                    .description("Session loads answered from the near cache (hit) or passed on to Redis (miss)")
                    .register(registry);
        }

        private Counter unavailableResponses(String reason) {
            return Counter.builder("sessionstore.unavailable.responses").tag("reason", reason)
                    .description("Requests answered with the failure status because Redis was down or full")
                    .register(registry);
        }
    }

    /**
     * Registers nothing yet: the meters are registered, at zero, by {@link #registerMeters()} (the filter's start)
     * or by the first count, so that registries added to {@link #registry()} before then see them from the start.
     *
     * @param contextPath the application's context path ({@code ""} for the root, shown as {@code /}); not null
     */
    public SessionMetrics(String contextPath) {
        this.context = contextPath.isEmpty() ? "/" : contextPath;
        registry.config().commonTags("context", context);
        registry.add(local);
    }

    /** Registers every meter, at zero, unless done already. Thread-safe. */
    public void registerMeters() {
        meters();
    }

    private Meters meters() {
        Meters current = meters;
        if (current == null) {
            synchronized (this) {
                if (meters == null) {
                    meters = new Meters();
                }
                current = meters;
            }
        }
        return current;
    }

    /**
     * Where the meters live: add a registry to it (for example a Prometheus one) to see them there. The application
     * may register meters of its own in it; they then show in JMX too.
     *
     * @return the same composite registry every time; never null
     */
    public CompositeMeterRegistry registry() {
        return registry;
    }

    /** The application's context path, {@code /} for the root: the value of every meter's {@code context} tag. */
    public String context() {
        return context;
    }

    /** A session was stored for the first time. */
    void sessionCreated() {
        meters().created.increment();
    }

    /** A load found its session. */
    void sessionLoaded() {
        meters().loaded.increment();
    }

    /** A load found nothing. */
    void sessionNotFound() {
        meters().notFound.increment();
    }

    /** A change was written to a stored session. */
    void sessionSaved() {
        meters().saved.increment();
    }

    /** A session was deleted by {@code invalidate()}. */
    void sessionInvalidated() {
        meters().invalidated.increment();
    }

    /** {@code count} timed-out sessions were claimed by this node. */
    void sessionsExpired(int count) {
        meters().expired.increment(count);
    }

    /** A stored session could not be read back and was dropped. */
    void sessionUnreadable() {
        meters().unreadable.increment();
    }

    /** A load was answered from the near cache. */
    @Override
    public void hit() {
        meters().hits.increment();
    }

    /** A load was passed on from the near cache to Redis. */
    @Override
    public void miss() {
        meters().misses.increment();
    }

    /**
     * One round trip to Redis ended.
     *
     * @param operation what it served, in Prometheus label style ({@code load}, {@code visit}, ...); not null
     * @param nanos     how long it took, in nanoseconds
     */
    @Override
    public void roundTrip(String operation, long nanos) {
        meters().roundTripTimer(operation).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs one round trip to Redis of the application's own (the demo's visit counter, a health check) and times it
     * as {@link #roundTrip} does, answered or failed.
     *
     * @param operation what it serves; not null
     * @return what {@code exchange} returned
     */
    public <T> T timeRoundTrip(String operation, Supplier<T> exchange) {
        long started = System.nanoTime();
        try {
            return exchange.get();
        } finally {
            roundTrip(operation, System.nanoTime() - started);
        }
    }

    /**
     * A request was answered with the failure status ({@code 503} by default) because Redis could not be used.
     *
     * @param redisFull whether Redis refused a write for lack of memory ({@code reason="full"}), rather than not
     *                  answering in time or without enough replicas confirming ({@code reason="unavailable"})
     */
    public void unavailableResponse(boolean redisFull) {
        Meters current = meters();
        (redisFull ? current.full : current.unavailable).increment();
    }

    /**
     * Shows the size of {@code cache}'s near cache: {@code sessionstore.near.cache.entries} and
     * {@code sessionstore.near.cache.estimated} (bytes), read when a registry asks. Call once per store.
     */
    public void gaugeNearCache(CachingSessionStore cache) {
        Gauge.builder("sessionstore.near.cache.entries", cache, CachingSessionStore::nearCacheEntries)
                .description("Sessions held by this node's near cache, and markers of announced changes")
                .register(registry);
        Gauge.builder("sessionstore.near.cache.estimated", cache, CachingSessionStore::nearCacheEstimatedBytes)
                .baseUnit("bytes").description("The estimated heap of what this node's near cache holds")
                .register(registry);
    }

    /** The registry every meter is read from for JMX: the composite's first child. */
    MeterRegistry local() {
        return local;
    }
}
