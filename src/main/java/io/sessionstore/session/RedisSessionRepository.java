package io.sessionstore.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Sessions in Redis, one hash per session, with an optional {@link NearCache} on each node.
 *
 * <h2>Layout</h2>
 * Key {@code <prefix>session:{<id>}}, a hash whose TTL is the session's timeout (plus the near cache's maximum age
 * when it is on; the braces are a Redis Cluster hash tag: everything stored for one session lives in one slot).
 * Fields:
 * <ul>
 *   <li>{@code c}: creation time, epoch milliseconds, decimal</li>
 *   <li>{@code a}: last access time, epoch milliseconds, decimal</li>
 *   <li>{@code t}: max inactive interval in seconds, decimal; zero or less means no TTL</li>
 *   <li>{@code v}: version, 1 when created, incremented by every change</li>
 *   <li>{@code @<name>}: one per attribute, encoded by {@link AttributeCodec}</li>
 * </ul>
 * Every change and delete is announced on the channel {@code <prefix>session-events} as {@code "<id> <version>"}
 * ({@code 0} for a delete), from the script that makes it.
 *
 * <h2>Commands, each one round trip</h2>
 * <ul>
 *   <li>load (none on a near cache hit): {@code EVALSHA} of {@link #LOAD}: {@code HGETALL}, then {@code HSET a} and
 *       {@code EXPIRE}</li>
 *   <li>changes to an existing session: {@code EVALSHA} of {@link #UPDATE}: {@code EXISTS}, {@code HSET} of the
 *       changed attributes, {@code HDEL} of the removed ones, {@code HINCRBY v}, {@code EXPIRE}, {@code PUBLISH};
 *       nothing when the key is gone</li>
 *   <li>a new session: {@code EVALSHA} of {@link #REPLACE}: {@code DEL}, {@code HSET} of all fields,
 *       {@code EXPIRE}</li>
 *   <li>a new id for a stored session ({@code changeSessionId}): {@link #DELETE} of the old key, then, only if it
 *       still existed, {@link #REPLACE} of the new key: two round trips, as the keys live in two slots</li>
 *   <li>an invalidated session: {@link #DELETE} ({@code DEL}, {@code PUBLISH}), pipelined with {@link #REPLACE} of
 *       a new session when the same request created one</li>
 * </ul>
 * Scripts go out as {@code EVALSHA}; Redisson falls back to {@code EVAL} when Redis has forgotten them.
 */
public final class RedisSessionRepository implements SessionRepository {

    /** ARGV: now, seconds added to the timeout. */
    static final String LOAD = """
            local h = redis.call('HGETALL', KEYS[1])
            if #h == 0 then return h end
            local ttl = 0
            for i = 1, #h, 2 do
              if h[i] == 't' then ttl = tonumber(h[i + 1]) or 0 end
            end
            redis.call('HSET', KEYS[1], 'a', ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl + tonumber(ARGV[2])) end
            return h
            """;

    /**
     * ARGV: channel, id, seconds added to the timeout, number of field/value pairs n, the n pairs, then the fields to
     * delete. The expiry follows the stored timeout {@code t}, which the pairs set only when this request changed it.
     */
    static final String UPDATE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local n = tonumber(ARGV[4])
            if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + 2 * n)) end
            if #ARGV > 4 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 5 + 2 * n, #ARGV)) end
            local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
            local t = tonumber(redis.call('HGET', KEYS[1], 't')) or 0
            if t > 0 then redis.call('EXPIRE', KEYS[1], t + tonumber(ARGV[3])) else redis.call('PERSIST', KEYS[1]) end
            redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. v)
            return v
            """;

    /** ARGV: expiry seconds, then field/value pairs. A new id: nobody holds it, so nothing to announce. */
    static final String REPLACE = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 2, #ARGV))
            local ttl = tonumber(ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
            return 1
            """;

    /** ARGV: channel, id. Returns 1 when the session existed. */
    static final String DELETE = """
            local n = redis.call('DEL', KEYS[1])
            if n > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' 0') end
            return n
            """;

    private static final String CREATED = "c";
    private static final String ACCESSED = "a";
    private static final String TIMEOUT = "t";
    private static final String VERSION = "v";
    private static final String ATTRIBUTE = "@";

    private final RedissonClient redisson;
    private final RScript script;
    private final String keyPrefix;
    private final String channel;
    private final NearCache cache;
    private final SessionEvents events;
    private final int expiryMarginSeconds;

    /** Without a near cache: every request that asks for its session loads it. */
    public RedisSessionRepository(RedissonClient redisson, String keyPrefix) {
        this(redisson, keyPrefix, null);
    }

    /**
     * @param cache a near cache, or null for none; create the client with {@link NearCache#connectionListener()}
     *              so that a lost connection empties it
     */
    public RedisSessionRepository(RedissonClient redisson, String keyPrefix, NearCache cache) {
        this.redisson = redisson;
        this.script = redisson.getScript(ByteArrayCodec.INSTANCE);
        this.keyPrefix = keyPrefix;
        this.channel = keyPrefix + "session-events";
        this.cache = cache;
        // Near cache hits do not renew the expiry: the TTL gets the cache's maximum age on top, so a session in use
        // never expires early, and an idle one expires at most that much late.
        this.expiryMarginSeconds = cache == null ? 0 : (int) Math.ceil(cache.maxAgeMillis() / 1000.0);
        this.events = cache == null ? null : new SessionEvents(redisson, channel, cache);
        if (events != null) {
            events.ensureSubscribed();
        }
    }

    public String key(String id) {
        return keyPrefix + "session:{" + id + "}";
    }

    @Override
    public SessionRecord loadAndTouch(String id, long knownVersion, long now) {
        if (cache != null) {
            events.ensureSubscribed();
            SessionRecord cached = cache.get(id, knownVersion, now);
            if (cached != null) {
                return cached;
            }
        }
        long generation = cache == null ? 0 : cache.generation();
        String key = key(id);
        List<Object> fields;
        try {
            fields = script.eval(key, RScript.Mode.READ_WRITE, LOAD, RScript.ReturnType.MULTI,
                    List.of(key), bytes(now), bytes(expiryMarginSeconds));
        } catch (RedisException e) {
            throw unavailable("load", e);
        }
        if (fields.isEmpty()) {
            return null;
        }
        SessionRecord record = toRecord(id, fields);
        if (cache != null) {
            cache.put(record, generation, now);
        }
        return record;
    }

    @Override
    public long write(SessionWrite write) {
        try {
            if (write.deleteId() == null) {
                return writeOne(write);
            }
            return writeWithDelete(write);
        } catch (RedisException e) {
            throw unavailable("save", e);
        }
    }

    private long writeOne(SessionWrite write) {
        String key = key(write.id());
        long now = System.currentTimeMillis();
        if (write.full()) {
            script.eval(key, RScript.Mode.READ_WRITE, REPLACE, RScript.ReturnType.INTEGER, List.of(key),
                    replaceArgs(write));
            if (cache != null) {
                cache.put(new SessionRecord(write.id(), write.creationTime(), write.lastAccessedTime(),
                        write.maxInactiveSeconds(), write.set(), 1), cache.generation(), now);
            }
            return 1;
        }
        Long version = script.eval(key, RScript.Mode.READ_WRITE, UPDATE, RScript.ReturnType.INTEGER,
                List.of(key), updateArgs(write));
        long written = version == null ? 0 : version;
        if (cache != null) {
            cache.wrote(write.id(), written, record -> withChanges(record, write, written), now);
        }
        return written;
    }

    private long writeWithDelete(SessionWrite write) {
        if (write.moved()) {
            // Two keys, maybe on two cluster nodes: the old one must be gone before the new one is written, and
            // if someone else deleted it first (invalidated on another node), the session stays gone.
            return delete(write.deleteId()) ? writeOne(write) : 0;
        }
        // An invalidated session, and maybe an unrelated new one: a pipelined, non-atomic batch.
        RBatch batch = redisson.createBatch(BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY));
        String deleted = key(write.deleteId());
        batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(deleted, RScript.Mode.READ_WRITE, DELETE,
                RScript.ReturnType.INTEGER, List.of(deleted), bytes(channel), bytes(write.deleteId()));
        if (write.id() != null) {
            String key = key(write.id());
            batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, RScript.Mode.READ_WRITE, REPLACE,
                    RScript.ReturnType.INTEGER, List.of(key), replaceArgs(write));
        }
        batch.execute();
        long now = System.currentTimeMillis();
        if (cache != null) {
            cache.announced(write.deleteId(), 0, now);
            if (write.id() != null) {
                cache.put(new SessionRecord(write.id(), write.creationTime(), write.lastAccessedTime(),
                        write.maxInactiveSeconds(), write.set(), 1), cache.generation(), now);
            }
        }
        return write.id() == null ? 0 : 1;
    }

    private boolean delete(String id) {
        String key = key(id);
        Long deleted = script.eval(key, RScript.Mode.READ_WRITE, DELETE, RScript.ReturnType.INTEGER,
                List.of(key), bytes(channel), bytes(id));
        if (cache != null) {
            cache.announced(id, 0, System.currentTimeMillis());
        }
        return deleted != null && deleted > 0;
    }

    private int expirySeconds(int maxInactiveSeconds) {
        return maxInactiveSeconds > 0 ? maxInactiveSeconds + expiryMarginSeconds : 0;
    }

    private Object[] replaceArgs(SessionWrite write) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(expirySeconds(write.maxInactiveSeconds())));
        args.add(bytes(CREATED));
        args.add(bytes(write.creationTime()));
        args.add(bytes(ACCESSED));
        args.add(bytes(write.lastAccessedTime()));
        args.add(bytes(TIMEOUT));
        args.add(bytes(write.maxInactiveSeconds()));
        args.add(bytes(VERSION));
        args.add(bytes(1));
        write.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        return args.toArray();
    }

    private Object[] updateArgs(SessionWrite write) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(channel));
        args.add(bytes(write.id()));
        args.add(bytes(expiryMarginSeconds));
        args.add(bytes(write.set().size() + (write.timeoutChanged() ? 1 : 0)));
        if (write.timeoutChanged()) {
            args.add(bytes(TIMEOUT));
            args.add(bytes(write.maxInactiveSeconds()));
        }
        write.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        write.removed().forEach(name -> args.add(bytes(ATTRIBUTE + name)));
        return args.toArray();
    }

    private static SessionRecord withChanges(SessionRecord record, SessionWrite write, long version) {
        Map<String, byte[]> attributes = new LinkedHashMap<>(record.attributes());
        attributes.putAll(write.set());
        write.removed().forEach(attributes::remove);
        return new SessionRecord(record.id(), record.creationTime(), record.lastAccessedTime(),
                write.timeoutChanged() ? write.maxInactiveSeconds() : record.maxInactiveSeconds(),
                Map.copyOf(attributes), version);
    }

    private static SessionRecord toRecord(String id, List<Object> fields) {
        Long created = null;
        Long accessed = null;
        Integer timeout = null;
        long version = 0; // sessions stored before versions existed
        Map<String, byte[]> attributes = new HashMap<>();
        try {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String field = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
                byte[] value = (byte[]) fields.get(i + 1);
                switch (field) {
                    case CREATED -> created = Long.valueOf(text(value));
                    case ACCESSED -> accessed = Long.valueOf(text(value));
                    case TIMEOUT -> timeout = Integer.valueOf(text(value));
                    case VERSION -> version = Long.parseLong(text(value));
                    default -> {
                        if (field.startsWith(ATTRIBUTE)) {
                            attributes.put(field.substring(ATTRIBUTE.length()), value);
                        }
                    }
                }
            }
        } catch (NumberFormatException e) {
            throw new UnreadableSessionException("session metadata is not numeric", e);
        }
        if (created == null || accessed == null || timeout == null) {
            throw new UnreadableSessionException("session metadata is missing");
        }
        return new SessionRecord(id, created, accessed, timeout, Map.copyOf(attributes), version);
    }

    private static SessionStoreUnavailableException unavailable(String operation, RedisException e) {
        // Redisson's message lists the command's arguments, session ids and attribute values among them: not logged.
        return new SessionStoreUnavailableException("Session " + operation + " failed: "
                + e.getClass().getSimpleName(), e);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
