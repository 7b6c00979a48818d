package io.sessionstore.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Sessions in Redis, one hash per session.
 *
 * <h2>Layout</h2>
 * Key {@code <prefix>session:{<id>}}, a hash whose TTL is the session's timeout (the braces are a Redis Cluster
 * hash tag: everything stored for one session lives in one slot). Fields:
 * <ul>
 *   <li>{@code c}: creation time, epoch milliseconds, decimal</li>
 *   <li>{@code a}: last access time, epoch milliseconds, decimal</li>
 *   <li>{@code t}: max inactive interval in seconds, decimal; zero or less means no TTL</li>
 *   <li>{@code @<name>}: one per attribute, encoded by {@link AttributeCodec}</li>
 * </ul>
 *
 * <h2>Commands, each one round trip</h2>
 * <ul>
 *   <li>load: {@code EVALSHA} of {@link #LOAD}: {@code HGETALL}, then {@code HSET a} and {@code EXPIRE}</li>
 *   <li>changes to an existing session: {@code EVALSHA} of {@link #UPDATE}: {@code EXISTS}, {@code HSET} of the
 *       changed attributes, {@code HDEL} of the removed ones, {@code EXPIRE}; nothing when the key is gone</li>
 *   <li>a new session: {@code EVALSHA} of {@link #REPLACE}: {@code DEL}, {@code HSET} of all fields, {@code EXPIRE}</li>
 *   <li>a new id for a stored session ({@code changeSessionId}): {@code DEL} of the old key, then, only if it
 *       still existed, {@link #REPLACE} of the new key: two round trips, as the keys live in two slots</li>
 *   <li>an invalidated session: {@code DEL}, pipelined with {@link #REPLACE} of a new session when the same request
 *       created one</li>
 * </ul>
 * Scripts go out as {@code EVALSHA}; Redisson falls back to {@code EVAL} when Redis has forgotten them.
 */
public final class RedisSessionRepository implements SessionRepository {

    static final String LOAD = """
            local h = redis.call('HGETALL', KEYS[1])
            if #h == 0 then return h end
            local ttl = 0
            for i = 1, #h, 2 do
              if h[i] == 't' then ttl = tonumber(h[i + 1]) or 0 end
            end
            redis.call('HSET', KEYS[1], 'a', ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
            return h
            """;

    /** ARGV: ttl seconds, number of field/value pairs n, the n pairs, then the fields to delete. */
    static final String UPDATE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local n = tonumber(ARGV[2])
            if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + 2 * n)) end
            if #ARGV > 2 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 3 + 2 * n, #ARGV)) end
            local ttl = tonumber(ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
            return 1
            """;

    /** ARGV: ttl seconds, then field/value pairs. */
    static final String REPLACE = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(ARGV, 2, #ARGV))
            local ttl = tonumber(ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
            return 1
            """;

    private static final String CREATED = "c";
    private static final String ACCESSED = "a";
    private static final String TIMEOUT = "t";
    private static final String ATTRIBUTE = "@";

    private final RedissonClient redisson;
    private final RScript script;
    private final String keyPrefix;

    public RedisSessionRepository(RedissonClient redisson, String keyPrefix) {
        this.redisson = redisson;
        this.script = redisson.getScript(ByteArrayCodec.INSTANCE);
        this.keyPrefix = keyPrefix;
    }

    public String key(String id) {
        return keyPrefix + "session:{" + id + "}";
    }

    @Override
    public SessionRecord loadAndTouch(String id, long now) {
        String key = key(id);
        List<Object> fields;
        try {
            fields = script.eval(key, RScript.Mode.READ_WRITE, LOAD, RScript.ReturnType.MULTI,
                    List.of(key), bytes(now));
        } catch (RedisException e) {
            throw unavailable("load", e);
        }
        return fields.isEmpty() ? null : toRecord(id, fields);
    }

    @Override
    public boolean write(SessionWrite write) {
        try {
            if (write.deleteId() == null) {
                return writeOne(write);
            }
            return writeWithDelete(write);
        } catch (RedisException e) {
            throw unavailable("save", e);
        }
    }

    private boolean writeOne(SessionWrite write) {
        String key = key(write.id());
        Long applied = write.full()
                ? script.eval(key, RScript.Mode.READ_WRITE, REPLACE, RScript.ReturnType.INTEGER,
                        List.of(key), replaceArgs(write))
                : script.eval(key, RScript.Mode.READ_WRITE, UPDATE, RScript.ReturnType.INTEGER,
                        List.of(key), updateArgs(write));
        return applied != null && applied == 1L;
    }

    private boolean writeWithDelete(SessionWrite write) {
        if (write.moved()) {
            // Two keys, maybe on two cluster nodes: the old one must be gone before the new one is written, and
            // if someone else deleted it first (invalidated on another node), the session stays gone.
            boolean existed = redisson.getKeys().delete(key(write.deleteId())) > 0;
            return existed && writeOne(write);
        }
        // An invalidated session, and maybe an unrelated new one: a pipelined, non-atomic batch.
        RBatch batch = redisson.createBatch(BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY));
        batch.getBucket(key(write.deleteId()), ByteArrayCodec.INSTANCE).deleteAsync();
        if (write.id() != null) {
            String key = key(write.id());
            batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, RScript.Mode.READ_WRITE, REPLACE,
                    RScript.ReturnType.INTEGER, List.of(key), replaceArgs(write));
        }
        batch.execute();
        return true;
    }

    private static Object[] replaceArgs(SessionWrite write) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(write.maxInactiveSeconds()));
        args.add(bytes(CREATED));
        args.add(bytes(write.creationTime()));
        args.add(bytes(ACCESSED));
        args.add(bytes(write.lastAccessedTime()));
        args.add(bytes(TIMEOUT));
        args.add(bytes(write.maxInactiveSeconds()));
        write.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        return args.toArray();
    }

    private static Object[] updateArgs(SessionWrite write) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(write.maxInactiveSeconds()));
        args.add(bytes(write.set().size() + 1));
        args.add(bytes(TIMEOUT));
        args.add(bytes(write.maxInactiveSeconds()));
        write.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        write.removed().forEach(name -> args.add(bytes(ATTRIBUTE + name)));
        return args.toArray();
    }

    private static SessionRecord toRecord(String id, List<Object> fields) {
        Long created = null;
        Long accessed = null;
        Integer timeout = null;
        Map<String, byte[]> attributes = new HashMap<>();
        try {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String field = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
                byte[] value = (byte[]) fields.get(i + 1);
                switch (field) {
                    case CREATED -> created = Long.valueOf(text(value));
                    case ACCESSED -> accessed = Long.valueOf(text(value));
                    case TIMEOUT -> timeout = Integer.valueOf(text(value));
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
        return new SessionRecord(id, created, accessed, timeout, attributes);
    }

    private static SessionStoreUnavailableException unavailable(String operation, RedisException e) {
        return new SessionStoreUnavailableException("Session " + operation + " failed: " + e.getMessage(), e);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
