package io.sessionstore.session.redis;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.UnreadableSessionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis wire format of sessions, in one place: key names, hash fields, the Lua scripts and their arguments, the
 * invalidation messages, and how each is read back.
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code <prefix>session:{<id>}}: a hash per session. The braces are a Redis Cluster hash tag, so everything
 *       stored for one session lives in one slot. Its TTL is the session's timeout plus the store's grace, renewed
 *       by every load and write; a timeout of zero or less means no TTL.</li>
 *   <li>{@code <prefix>session-events}: a pub/sub channel; each change is announced by the script that makes it.</li>
 * </ul>
 *
 * <h2>Hash fields (format {@value #FORMAT})</h2>
 * <ul>
 *   <li>{@code f}: the format of the hash, {@value #FORMAT}. A hash without it is format 1, written before the
 *       marker existed, and otherwise the same: this class reads both (format N reads N-1). A hash of a newer
 *       format than this class knows is left alone and the load fails as unavailable (503): during a rolling
 *       upgrade, a newer format must not be written until every node reads it.</li>
 *   <li>{@code c}: creation time, epoch milliseconds, decimal</li>
 *   <li>{@code a}: last access time, epoch milliseconds, decimal</li>
 *   <li>{@code t}: max inactive interval in seconds, decimal; zero or less means no TTL</li>
 *   <li>{@code v}: version, 1 when written whole, incremented by every update</li>
 *   <li>{@code @<name>}: one per attribute, its value as encoded by the session model's attribute codec</li>
 * </ul>
 *
 * <h2>Messages</h2>
 * {@code "<id> <version>"}, with version {@code 0} for a delete. Readers take the first two tokens and ignore any
 * that follow, so a later format may add some.
 *
 * <p>Immutable and thread-safe.
 */
final class RedisSessionFormat {

    /** The format this class writes. */
    static final int FORMAT = 2;

    /** ARGV: now, seconds added to the timeout. Returns the hash as it was before this access, or nothing. */
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
     * delete. The expiry follows the stored timeout {@code t}, which the pairs set only when the request changed it.
     * Fields go in chunks of 1,000 arguments (500 pairs): Lua's {@code unpack} takes about 8,000 at most. Returns
     * the new version, or 0 when the session is gone (nothing written).
     */
    static final String UPDATE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local n = tonumber(ARGV[4])
            for i = 5, 4 + 2 * n, 1000 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, 4 + 2 * n)))
            end
            for i = 5 + 2 * n, #ARGV, 1000 do
              redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
            local t = tonumber(redis.call('HGET', KEYS[1], 't')) or 0
            if t > 0 then redis.call('EXPIRE', KEYS[1], t + tonumber(ARGV[3])) else redis.call('PERSIST', KEYS[1]) end
            redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. v)
            return v
            """;

    /** ARGV: expiry seconds, then field/value pairs. A new id: nobody holds it, so nothing to announce. */
    static final String REPLACE = """
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 1000 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
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

    private static final String FORMAT_FIELD = "f";
    private static final String CREATED = "c";
    private static final String ACCESSED = "a";
    private static final String TIMEOUT = "t";
    private static final String VERSION = "v";
    private static final String ATTRIBUTE = "@";

    private final String keyPrefix;
    private final String channel;
    private final int graceSeconds;

    /**
     * @param keyPrefix    prefix of every key
     * @param graceSeconds added to every session's TTL
     */
    RedisSessionFormat(String keyPrefix, int graceSeconds) {
        this.keyPrefix = keyPrefix;
        this.channel = keyPrefix + "session-events";
        this.graceSeconds = graceSeconds;
    }

    String key(String id) {
        return keyPrefix + "session:{" + id + "}";
    }

    String channel() {
        return channel;
    }

    Object[] loadArgs(long now) {
        return new Object[] {bytes(now), bytes(graceSeconds)};
    }

    Object[] deleteArgs(String id) {
        return new Object[] {bytes(channel), bytes(id)};
    }

    /** Every field of a session written whole, after its expiry. */
    Object[] replaceArgs(SessionChange.Snapshot session) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(session.maxInactiveSeconds() > 0 ? session.maxInactiveSeconds() + graceSeconds : 0));
        args.add(bytes(FORMAT_FIELD));
        args.add(bytes(FORMAT));
        args.add(bytes(CREATED));
        args.add(bytes(session.creationTime()));
        args.add(bytes(ACCESSED));
        args.add(bytes(session.lastAccessedTime()));
        args.add(bytes(TIMEOUT));
        args.add(bytes(session.maxInactiveSeconds()));
        args.add(bytes(VERSION));
        args.add(bytes(1));
        session.attributes().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        return args.toArray();
    }

    Object[] updateArgs(SessionChange.Update update) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(channel));
        args.add(bytes(update.id()));
        args.add(bytes(graceSeconds));
        args.add(bytes(update.set().size() + (update.maxInactiveSeconds().isPresent() ? 1 : 0)));
        update.maxInactiveSeconds().ifPresent(seconds -> {
            args.add(bytes(TIMEOUT));
            args.add(bytes(seconds));
        });
        update.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        update.removed().forEach(name -> args.add(bytes(ATTRIBUTE + name)));
        return args.toArray();
    }

    /**
     * @param fields the reply of {@link #LOAD}: field, value, field, value... as byte arrays; not empty
     * @throws UnreadableSessionException when metadata is missing or not numeric
     * @throws SessionStoreUnavailableException when the hash is of a newer format than this node reads
     */
    SessionRecord toRecord(String id, List<Object> fields) {
        Long created = null;
        Long accessed = null;
        Integer timeout = null;
        long version = 0; // sessions stored before versions existed
        int format = format(fields);
        if (format > FORMAT) {
            // Written by a newer node (a rolling upgrade): not corrupt, so not to be deleted; this node cannot serve
            // it, and a load balancer may try another node.
            throw new SessionStoreUnavailableException("Session stored in format " + format
                    + "; this node reads formats up to " + FORMAT + ": upgrade it", null);
        }
        Map<String, byte[]> attributes = new HashMap<>();
        try {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String field = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
                byte[] value = (byte[]) fields.get(i + 1);
                switch (field) {
                    case FORMAT_FIELD -> { }
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
        return new SessionRecord(id, created, accessed, timeout, attributes, version);
    }

    /**
     * The format of a hash: its {@code f} field, 1 without one.
     *
     * @throws UnreadableSessionException when {@code f} is not a number, which no format writes
     */
    private static int format(List<Object> fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (FORMAT_FIELD.equals(new String((byte[]) fields.get(i), StandardCharsets.UTF_8))) {
                try {
                    return Integer.parseInt(text((byte[]) fields.get(i + 1)));
                } catch (NumberFormatException e) {
                    throw new UnreadableSessionException("session format is not numeric", e);
                }
            }
        }
        return 1;
    }

    /** An invalidation message, or null when it is not one. */
    static Announcement parseMessage(String message) {
        int space = message.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        int end = message.indexOf(' ', space + 1);
        try {
            long version = Long.parseLong(message.substring(space + 1, end < 0 ? message.length() : end));
            return new Announcement(message.substring(0, space), version);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @param version the version a change made; 0 for a delete */
    record Announcement(String id, long version) {
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
