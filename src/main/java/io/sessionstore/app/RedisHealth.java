package io.sessionstore.app;

import io.sessionstore.session.redis.RedisConnection;
import org.redisson.api.RScript;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * Whether Redis answers a trivial script within the client's bounded timeout, and whether it is full: at its
 * {@code maxmemory} under {@code noeviction}, when it refuses new sessions and changes (read from {@code INFO memory}
 * by the same script; on a Redis Cluster, of the master that ran it). Touches no key. Thread-safe.
 */
public final class RedisHealth {

    /** Answers "used max policy" from INFO memory: one round trip. */
    private static final String MEMORY = """
            local info = redis.call('INFO', 'memory')
            return (string.match(info, 'used_memory:(%d+)') or '0') .. ' '
                .. (string.match(info, 'maxmemory:(%d+)') or '0') .. ' '
                .. (string.match(info, 'maxmemory_policy:(%S+)') or '-')
            """;

    /** What one check found. */
    public record Status(boolean up, boolean full) {
        static final Status DOWN = new Status(false, false);
    }

    private final RedisConnection connection;
    private final RScript script;

    public RedisHealth(RedisConnection connection) {
        this.connection = connection;
        this.script = connection.client().getScript(StringCodec.INSTANCE);
    }

    /** One round trip; never throws: a Redis that does not answer in time is down. */
    public Status check() {
        String answer;
        try {
            answer = connection.call(() -> script.eval(RScript.Mode.READ_ONLY, MEMORY, RScript.ReturnType.VALUE));
        } catch (RedisException e) {
            return Status.DOWN;
        }
        return new Status(true, full(String.valueOf(answer).split(" ")));
    }

    /**
     * Within 1 % (at least 64 KiB) of {@code maxmemory}: Redis's own check counts a little less than
     * {@code used_memory} (output buffers), so a Redis refusing writes may report just under its limit.
     */
    private static boolean full(String[] memory) {
        try {
            if (memory.length < 3 || !"noeviction".equals(memory[2])) {
                return false;
            }
            long used = Long.parseLong(memory[0]);
            long max = Long.parseLong(memory[1]);
            return max > 0 && used >= max - Math.max(max / 100, 65_536);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
