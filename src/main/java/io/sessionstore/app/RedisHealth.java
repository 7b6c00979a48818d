package io.sessionstore.app;

import io.sessionstore.session.metrics.SessionMetrics;
import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisMemory;
import io.sessionstore.session.redis.RedisSessionCount;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether Redis answers within the client's bounded timeout, and what its memory settings mean for sessions:
 * full (new sign-ins refused, signed-in users served) or evicting; for operators, also how long Redis took to answer
 * and about how many sessions it holds. Touches no key. Each round trip is counted in the application's
 * {@link SessionMetrics} ({@code operation="health"}, {@code "session_count"}). Thread-safe.
 */
public final class RedisHealth {

    /**
     * What one check found.
     *
     * @param memory         Redis's memory, or null when Redis is down
     * @param roundTripNanos how long the check's round trip took, answered or not, in nanoseconds
     */
    public record Status(RedisMemory memory, long roundTripNanos) {
        /** Whether Redis answered in time. */
        public boolean up() {
            return memory != null;
        }
    }

    /**
     * What a check with details found.
     *
     * @param status    the check
     * @param nearCache whether the session layer's near cache is on
     * @param sessions  the estimated number of sessions ({@link RedisSessionCount}); empty when Redis is down or
     *                  the sessions are the container's
     */
    public record Details(Status status, boolean nearCache, OptionalLong sessions) {
    }

    private final RedisConnection connection;
    private final SessionMetrics metrics;
    private final RedisSessionCount sessions;
    private final boolean nearCache;

    /**
     * @param metrics   where the round trips are counted; not null
     * @param sessions  how sessions are counted; null when the container's sessions are used
     * @param nearCache whether the session layer's near cache is on
     */
    public RedisHealth(RedisConnection connection, SessionMetrics metrics, RedisSessionCount sessions,
                       boolean nearCache) {
        this.connection = connection;
        this.metrics = metrics;
        this.sessions = sessions;
        this.nearCache = nearCache;
        if (sessions != null) {
            sessions.timeRoundTrips(metrics);
        }
    }

    /** One round trip; never throws: a Redis that does not answer in time is down. */
    public Status check() {
        long started = System.nanoTime();
        Optional<RedisMemory> memory = RedisMemory.read(connection);
        long nanos = System.nanoTime() - started;
        metrics.roundTrip("health", nanos);
        return new Status(memory.orElse(null), nanos);
    }

    /** {@link #check()}, then, when Redis is up and holds the sessions, their count: two round trips; never throws. */
    public Details details() {
        Status status = check();
        OptionalLong count = status.up() && sessions != null ? sessions.estimate() : OptionalLong.empty();
        return new Details(status, nearCache, count);
    }
}
