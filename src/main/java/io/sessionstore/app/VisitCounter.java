package io.sessionstore.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import io.micrometer.core.instrument.Counter;
import io.sessionstore.session.metrics.SessionMetrics;
import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.ReplicaAcks;
import io.sessionstore.session.store.SessionStoreFullException;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import org.redisson.api.RScript;
import org.redisson.client.RedisException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Visits per email within a sliding window: a hash {@code <prefix>visits:<email>} with the field {@code count},
 * incremented and given its TTL back in one script, so one round trip, atomically. After {@code ttlSeconds}
 * without a visit the key expires and the count starts again at 1. The count belongs to the email, not to a
 * session: every browser logged in with one email shares it. Where Redis has replicas, a visit counts once a replica
 * has it too ({@link ReplicaAcks}, as session writes): a failover never takes back a count the page showed.
 *
 * <p>Counted in the application's {@link SessionMetrics}: each visit recorded ({@code sessionstore_visits_total}),
 * its round trip ({@code operation="visit"}), and each failure, which the welcome page answers with {@code 503}
 * ({@code sessionstore_unavailable_responses_total}). Thread-safe.
 */
public final class VisitCounter {

    static final String RECORD_VISIT = """
            local n = redis.call('HINCRBY', KEYS[1], 'count', 1)
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return n
            """;

    private final RedisConnection connection;
    private final ReplicaAcks replicaAcks;
    private final String keyPrefix;
    private final byte[] ttlSeconds;
    private final SessionMetrics metrics;
    private final Counter visits;

    /** A counter whose metrics no one reads. */
    public VisitCounter(RedisConnection connection, ReplicaAcks replicaAcks, String keyPrefix, int ttlSeconds) {
        this(connection, replicaAcks, keyPrefix, ttlSeconds, new SessionMetrics(""));
    }

    /**
     * @param metrics where visits, their round trips and their failures are counted; not null
     */
    public VisitCounter(RedisConnection connection, ReplicaAcks replicaAcks, String keyPrefix, int ttlSeconds,
                        SessionMetrics metrics) {
        this.connection = connection;
        this.replicaAcks = replicaAcks;
        this.keyPrefix = keyPrefix;
        this.ttlSeconds = Integer.toString(ttlSeconds).getBytes(StandardCharsets.US_ASCII);
        this.metrics = metrics;
        this.visits = Counter.builder("sessionstore.visits").description("Visits counted by the welcome page")
                .register(metrics.registry());
    }

    public String key(String email) {
        return keyPrefix + "visits:" + email;
    }

    /**
     * @return the number of visits of this email in the current window, this one included
     * @throws org.redisson.client.RedisException when Redis cannot be reached
     * @throws SessionStoreUnavailableException when too few replicas confirmed the visit in time
     */
    public long recordVisit(String email) {
        String key = key(email);
        long count;
        try {
            // Byte arrays: Redisson wraps them as they are, where text would take a pooled buffer on the request
            // thread.
            count = (Long) metrics.timeRoundTrip("visit", () -> connection.call(() -> replicaAcks.write(
                    List.of(RECORD_VISIT), batch -> batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key,
                            RScript.Mode.READ_WRITE, RECORD_VISIT, RScript.ReturnType.INTEGER, List.of(key),
                            ttlSeconds)).get(0)));
        } catch (RedisException | SessionStoreUnavailableException e) {
            metrics.unavailableResponse(e instanceof SessionStoreFullException || outOfMemory(e));
            throw e;
        }
        visits.increment();
        return count;
    }

    /** Redis's {@code OOM} answer, also when a batch reports it for one of its commands. */
    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisOutOfMemoryException || String.valueOf(t.getMessage()).contains("OOM ")) {
                return true;
            }
        }
        return false;
    }
}
