package io.sessionstore.session.redis;

import java.util.List;
import java.util.OptionalLong;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * An estimate of the number of sessions of one key prefix in Redis, for health pages and operators: the sum of the
 * sizes ({@code ZCARD}, constant time each) of the {@value RedisSessionFormat#GROUPS} expiry index sets, sent as one
 * pipelined batch: one round trip (on Redis Cluster, where the sets spread over the shards, one batch per master,
 * sent at once). It reads nothing else and touches no session.
 *
 * <p>What it counts: every session with a timeout whose index entry was sent (entries go in the background, within
 * one housekeeping interval of the session's creation). Sessions logged out keep their entry until the time they
 * would have expired, when the sweep removes it, so the estimate runs high by the sessions ended within the last
 * timeout; sessions that never expire ({@code setMaxInactiveInterval(0)}) are not in the index and not counted.
 * Thread-safe.
 */
public final class RedisSessionCount {

    private final RedisConnection connection;
    private final List<String> expiryKeys;
    private volatile RoundTripListener roundTrips = RoundTripListener.NONE;

    /** @param keyPrefix the prefix of the sessions' keys ({@code KEY_PREFIX}); not null */
    public RedisSessionCount(RedisConnection connection, String keyPrefix) {
        this.connection = connection;
        this.expiryKeys = new RedisSessionFormat(keyPrefix, 0, 0).expiryKeys();
    }

    /** Tells {@code listener} of each count's round trip, as the operation {@code session_count}. */
    public void timeRoundTrips(RoundTripListener listener) {
        this.roundTrips = listener;
    }

    /**
     * Counts now: one round trip.
     *
     * @return the estimate; empty when Redis does not answer in time
     */
    public OptionalLong estimate() {
        RoundTripListener listener = roundTrips;
        long started = System.nanoTime();
        try {
            List<?> sizes = connection.call(() -> {
                RBatch batch = connection.client().createBatch(BatchOptions.defaults()
                        .executionMode(BatchOptions.ExecutionMode.IN_MEMORY));
                expiryKeys.forEach(key -> batch.getScoredSortedSet(key, StringCodec.INSTANCE).sizeAsync());
                return batch.execute().getResponses();
            });
            long sessions = 0;
            for (Object size : sizes) {
                sessions += ((Number) size).longValue();
            }
            return OptionalLong.of(sessions);
        } catch (RedisException e) {
            return OptionalLong.empty();
        } finally {
            listener.roundTrip("session_count", System.nanoTime() - started);
        }
    }
}
