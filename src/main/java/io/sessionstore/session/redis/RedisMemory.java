package io.sessionstore.session.redis;

import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * Redis's memory as {@code INFO memory} reports it: what it uses, its {@code maxmemory} and its
 * {@code maxmemory-policy}, read by a script (one round trip; {@code CONFIG} is often refused on managed Redis; on a
 * Redis Cluster, of the master that ran it). Immutable.
 *
 * @param usedBytes {@code used_memory}
 * @param maxBytes  {@code maxmemory}; 0: no limit
 * @param policy    {@code maxmemory-policy}, such as {@code noeviction} or {@code allkeys-lru}
 */
public record RedisMemory(long usedBytes, long maxBytes, String policy) {

    private static final String INFO = """
            local info = redis.call('INFO', 'memory')
            return (string.match(info, 'used_memory:(%d+)') or '-') .. ' '
                .. (string.match(info, 'maxmemory:(%d+)') or '-') .. ' '
                .. (string.match(info, 'maxmemory_policy:(%S+)') or '-')
            """;

    /**
     * Reads it now.
     *
     * @return empty when Redis does not answer in time or its answer cannot be read
     */
    public static Optional<RedisMemory> read(RedisConnection connection) {
        String answer;
        try {
            answer = connection.call(() -> connection.client().getScript(StringCodec.INSTANCE)
                    .eval(RScript.Mode.READ_ONLY, INFO, RScript.ReturnType.VALUE));
        } catch (RedisException e) {
            return Optional.empty();
        }
        String[] fields = String.valueOf(answer).split(" ");
        try {
            return Optional.of(new RedisMemory(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2]));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether Redis refuses new sessions now: under {@code noeviction}, within 1 % (at least 64 KiB) of its
     * {@code maxmemory} (Redis's own check leaves out its output buffers, so a Redis refusing writes may report a
     * little under its limit).
     */
    public boolean full() {
        return "noeviction".equals(policy) && maxBytes > 0 && usedBytes >= maxBytes - Math.max(maxBytes / 100, 65_536);
    }

    /**
     * Whether Redis may evict sessions at its {@code maxmemory}: any policy but {@code noeviction}, when there is a
     * limit ({@code allkeys-*} evicts any key, the expiry index too; {@code volatile-*} the keys with a TTL, which
     * every session has).
     */
    public boolean mayEvictSessions() {
        return maxBytes > 0 && !"noeviction".equals(policy);
    }
}
