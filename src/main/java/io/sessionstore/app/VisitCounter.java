package io.sessionstore.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import io.sessionstore.session.redis.RedisConnection;
import org.redisson.api.RScript;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Visits per email within a sliding window: a hash {@code <prefix>visits:<email>} with the field {@code count},
 * incremented and given its TTL back in one script, so one round trip, atomically. After {@code ttlSeconds}
 * without a visit the key expires and the count starts again at 1. The count belongs to the email, not to a
 * session: every browser logged in with one email shares it.
 */
public final class VisitCounter {

    static final String RECORD_VISIT = """
            local n = redis.call('HINCRBY', KEYS[1], 'count', 1)
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return n
            """;

    private final RedisConnection connection;
    private final RScript script;
    private final String keyPrefix;
    private final byte[] ttlSeconds;

    public VisitCounter(RedisConnection connection, String keyPrefix, int ttlSeconds) {
        this.connection = connection;
        // Byte arrays: Redisson wraps them as they are, where text would take a pooled buffer on the request thread.
        this.script = connection.client().getScript(ByteArrayCodec.INSTANCE);
        this.keyPrefix = keyPrefix;
        this.ttlSeconds = Integer.toString(ttlSeconds).getBytes(StandardCharsets.US_ASCII);
    }

    public String key(String email) {
        return keyPrefix + "visits:" + email;
    }

    /**
     * @return the number of visits of this email in the current window, this one included
     * @throws org.redisson.client.RedisException when Redis cannot be reached
     */
    public long recordVisit(String email) {
        String key = key(email);
        Long count = connection.call(() -> script.eval(key, RScript.Mode.READ_WRITE, RECORD_VISIT,
                RScript.ReturnType.INTEGER, List.of(key), ttlSeconds));
        return count;
    }
}
