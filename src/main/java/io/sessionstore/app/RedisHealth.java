package io.sessionstore.app;

import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisMemory;
import java.util.Optional;

/**
 * Whether Redis answers within the client's bounded timeout, and what its memory settings mean for sessions:
 * full (new sign-ins refused, signed-in users served) or evicting. Touches no key. Thread-safe.
 */
public final class RedisHealth {

    /**
     * What one check found.
     *
     * @param memory Redis's memory, or null when Redis is down
     */
    public record Status(RedisMemory memory) {
        public boolean up() {
            return memory != null;
        }
    }

    private final RedisConnection connection;

    public RedisHealth(RedisConnection connection) {
        this.connection = connection;
    }

    /** One round trip; never throws: a Redis that does not answer in time is down. */
    public Status check() {
        Optional<RedisMemory> memory = RedisMemory.read(connection);
        return new Status(memory.orElse(null));
    }
}
