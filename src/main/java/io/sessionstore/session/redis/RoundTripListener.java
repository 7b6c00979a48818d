package io.sessionstore.session.redis;

/**
 * Told of every round trip a {@link RedisSessionStore} makes to Redis, for counting and timing. Implementations are
 * thread-safe, quick (called on request threads and on the store's background thread) and never throw.
 */
@FunctionalInterface
public interface RoundTripListener {

    /** Tells nothing. */
    RoundTripListener NONE = (operation, nanos) -> { };

    /**
     * One exchange with Redis ended, answered or failed: one command, or one pipelined batch of commands (which Redis
     * answers in one round trip; a batch that finds its scripts forgotten by Redis loads them and runs once more
     * within the same exchange).
     *
     * @param operation what the exchange was for: {@code load}, {@code last_access}, {@code save}, {@code delete},
     *                  {@code announce}, {@code touch_batch} or {@code expiry_sweep}; never null
     * @param nanos     how long it took, in nanoseconds, from sending to the answer or the failure
     */
    void roundTrip(String operation, long nanos);
}
