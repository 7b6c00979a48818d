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
 *       by every load, touch and write; a timeout of zero or less means no TTL. A session expires when more than
 *       {@code t} seconds passed since {@code a}: the scripts check that, and the grace keeps an expired hash only
 *       until a sweep claims it.</li>
 *   <li>{@code <prefix>session-events}: a pub/sub channel; each change is announced by the script that makes it.
 *       On Redis Cluster, where a {@code PUBLISH} goes to every node of every shard, sharded channels instead:
 *       {@code <prefix>session-events:{<n>}}, n from 0 to 15 by the id's hash, each served by the shard of its
 *       slot, on which the store announces with {@code SPUBLISH} once the script has answered (a script may only
 *       publish on a channel of its own key's slot, and no fixed set of channels shares the slots of all
 *       sessions).</li>
 *   <li>{@code <prefix>principal:<name>}: a sorted set per principal of the ids of its sessions, scored by their
 *       creation time (epoch milliseconds): added with a session written under a new id or given the principal,
 *       removed in the background after its delete or claim, and cleaned of sessions gone, expired or no longer the
 *       principal's whenever it is read. No TTL: it holds only what was live at its last write or read.</li>
 *   <li>{@code <prefix>expiries:{<n>}}, n from 0 to 15 by the id's hash: sorted sets of session ids scored by when
 *       each is due to expire (epoch milliseconds), added in the background after a session is written under a new
 *       id or given a timeout. A sweep claims the due ones with {@link #CLAIM}, which decides from the hash itself,
 *       and scores again those touched since.</li>
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
 *   <li>{@code p}: the principal's name, when the session has one (see {@link SessionRecord#principal()}); older
 *       readers ignore it</li>
 *   <li>{@code @<name>}: one per attribute, its value as encoded by the session model's attribute codec</li>
 * </ul>
 *
 * <h2>Messages</h2>
 * {@code "<id> <version>"}, with version {@code 0} for a delete. Readers take the first two tokens and ignore any
 * that follow, so a later format may add some. A delete that its node waits for carries two more,
 * {@code "<id> 0 <node> <sequence>"}: each node that receives it, once its near cache dropped the session, publishes
 * {@code "<sequence>"} on {@code <prefix>session-events-acks:<node>} ({@link #ackChannel}; on Redis Cluster the
 * sharded {@code <prefix>session-events-acks:{<node>}}).
 *
 * <p>Immutable and thread-safe.
 */
final class RedisSessionFormat {

    /** The format this class writes. */
    static final int FORMAT = 2;

    /** Lua: the timeout {@code t} (0 when absent) and last access {@code a} (nil when absent) of the hash {@code h}. */
    private static final String TIMES_OF_H = """
            local t, a = 0, nil
            for i = 1, #h, 2 do
              if h[i] == 't' then t = tonumber(h[i + 1]) or 0 elseif h[i] == 'a' then a = tonumber(h[i + 1]) end
            end
            """;

    /**
     * ARGV: now, seconds added to the timeout, the lag in milliseconds. Returns the hash as it was before this
     * access, or nothing when the session is gone or expired at {@code now} (an expired hash is left for
     * {@link #CLAIM}). At {@code maxmemory} the access time is not written ({@code pcall}), but the session loads.
     */
    static final String LOAD = """
            local h = redis.call('HGETALL', KEYS[1])
            if #h == 0 then return h end
            """ + TIMES_OF_H + """
            local now = tonumber(ARGV[1])
            if t > 0 and a and now - a > t * 1000 + tonumber(ARGV[3]) then return {} end
            if not a or now > a then redis.pcall('HSET', KEYS[1], 'a', ARGV[1]) end
            if t > 0 then redis.call('EXPIRE', KEYS[1], t + tonumber(ARGV[2])) end
            return h
            """;

    /**
     * Accesses without a load, of the sessions of {@code KEYS}. ARGV: seconds added to the timeout, the lag in
     * milliseconds, then one access time per key. Sets each {@code a} to the later of the two and renews the expiry,
     * only when the session had not expired at that time. Returns, per key in order, the session's version {@code v}
     * when it had not (what the near cache confirms its copies with), 0 when the session is gone or expired (or the
     * key is not a session's hash). The access times are written before any expiry is renewed: Redis checks a script
     * against {@code maxmemory} at its first write only, so at {@code maxmemory} none is written ({@code pcall}),
     * as with a load.
     */
    static final String TOUCH = """
            local grace, lag, versions, timeouts = tonumber(ARGV[1]), tonumber(ARGV[2]), {}, {}
            for i, key in ipairs(KEYS) do
              versions[i], timeouts[i] = 0, 0
              local m = redis.pcall('HMGET', key, 't', 'a', 'v')
              if not m.err then
                local t, a, now = tonumber(m[1]) or 0, tonumber(m[2]), tonumber(ARGV[i + 2])
                if a and not (t > 0 and now - a > t * 1000 + lag) then
                  if now > a then redis.pcall('HSET', key, 'a', ARGV[i + 2]) end
                  versions[i], timeouts[i] = tonumber(m[3]) or 0, t
                end
              end
            end
            for i, key in ipairs(KEYS) do
              if timeouts[i] > 0 then redis.call('EXPIRE', key, timeouts[i] + grace) end
            end
            return versions
            """;

    /**
     * The versions {@code v} of the sessions of {@code KEYS}, in their order, without an access: 0 for one gone (or a
     * key that is not a session's hash). Expiry is not checked: a near cache checks it against the last access it
     * knows of. Read-only, yet sent as a write, so that it runs on the master: a replica may not have the latest
     * version. About 1.3 µs of Redis's CPU per key.
     */
    static final String VERSIONS = """
            local versions = {}
            for i, key in ipairs(KEYS) do versions[i] = tonumber(redis.pcall('HGET', key, 'v')) or 0 end
            return versions
            """;

    /**
     * Claims an expired session, once across all nodes. ARGV: now, channel (empty: announced by the caller), id,
     * the lag in milliseconds. Returns the
     * hash (and deletes it, announcing the delete) when the session expired at {@code now}; one element, its due
     * time in epoch milliseconds, when it has not expired yet; nothing when it is gone, never expires or cannot be
     * read.
     */
    static final String CLAIM = """
            local h = redis.call('HGETALL', KEYS[1])
            if #h == 0 then return h end
            """ + TIMES_OF_H + """
            if t <= 0 or not a then return {} end
            local due = a + t * 1000 + tonumber(ARGV[4])
            if tonumber(ARGV[1]) <= due then return {tostring(due)} end
            redis.call('DEL', KEYS[1])
            if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' 0') end
            return h
            """;

    /**
     * ARGV: channel (empty: announced by the caller), id, seconds added to the timeout, now minus the lag, number of field/value pairs n, the n pairs,
     * then the fields to delete. The expiry follows the stored timeout {@code t}, which the pairs set only when the request
     * changed it. Fields go in chunks of 1,000 arguments (500 pairs): Lua's {@code unpack} takes about 8,000 at
     * most. Returns the new version, or 0 when the session is gone or expired at {@code now} (nothing written).
     */
    static final String UPDATE = """
            local m = redis.call('HMGET', KEYS[1], 't', 'a')
            if not m[1] and not m[2] and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local t0, a = tonumber(m[1]) or 0, tonumber(m[2])
            if t0 > 0 and a and tonumber(ARGV[4]) - a > t0 * 1000 then return 0 end
            local n = tonumber(ARGV[5])
            for i = 6, 5 + 2 * n, 1000 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, 5 + 2 * n)))
            end
            for i = 6 + 2 * n, #ARGV, 1000 do
              redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
            local t = tonumber(redis.call('HGET', KEYS[1], 't')) or 0
            if t > 0 then redis.call('EXPIRE', KEYS[1], t + tonumber(ARGV[3])) else redis.call('PERSIST', KEYS[1]) end
            if ARGV[1] ~= '' then redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. v) end
            return v
            """;

    /**
     * ARGV: expiry seconds, then field/value pairs. A new id: nobody holds it, so nothing to announce. Its first
     * write is an {@code HSET}, which Redis refuses at {@code maxmemory} under {@code noeviction} (a script is
     * checked at its first write only, and {@code DEL} is not checked): a new session is never written past the
     * limit.
     */
    static final String REPLACE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DEL', KEYS[1]) end
            for i = 2, #ARGV, 1000 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            local ttl = tonumber(ARGV[1])
            if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
            return 1
            """;

    /**
     * ARGV: channel (empty: announced by the caller), id, and what the announcement carries after {@code "<id> 0"}
     * (empty, or {@code " <node> <sequence>"}). Returns 0 when the session was gone (nothing announced), else 1 plus
     * the number of subscribers the announcement reached ({@code PUBLISH}'s answer; 0 when not announced).
     */
    static final String DELETE = """
            if redis.call('DEL', KEYS[1]) == 0 then return 0 end
            if ARGV[1] == '' then return 1 end
            return 1 + redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' 0' .. ARGV[3])
            """;

    /** Returns the whole hash, field, value, field, value..., or nothing: a read that is not an access. */
    static final String READ = """
            return redis.call('HGETALL', KEYS[1])
            """;

    private static final String FORMAT_FIELD = "f";
    private static final String CREATED = "c";
    static final String ACCESSED = "a";
    private static final String TIMEOUT = "t";
    private static final String VERSION = "v";
    /** The principal's field. */
    static final String PRINCIPAL = "p";
    private static final String ATTRIBUTE = "@";

    /**
     * Expiry index groups and sharded channels: enough to spread over the masters of a usual cluster, few enough to
     * sweep and subscribe to at once.
     */
    static final int GROUPS = 16;

    private final String keyPrefix;
    private final String channel;
    private final boolean sharded;
    /** The channel argument of the scripts: empty when the caller announces. */
    private final String scriptChannel;
    private final int graceSeconds;
    private final long lagMillis;
    private final List<String> expiryKeys;
    private final List<String> channels;

    /**
     * @param keyPrefix    prefix of every key
     * @param graceSeconds added to every session's TTL
     * @param lagMillis    how far behind the last access Redis may be (touches are sent in the background): a
     *                     session counts as expired only this long after its timeout passed since {@code a}, so
     *                     that an access not sent yet never lets it expire
     */
    RedisSessionFormat(String keyPrefix, int graceSeconds, long lagMillis) {
        this(keyPrefix, graceSeconds, lagMillis, false);
    }

    /**
     * @param sharded whether changes are announced on sharded channels by the caller (Redis Cluster) rather than
     *                by the scripts
     */
    RedisSessionFormat(String keyPrefix, int graceSeconds, long lagMillis, boolean sharded) {
        this.keyPrefix = keyPrefix;
        this.channel = keyPrefix + "session-events";
        this.sharded = sharded;
        this.scriptChannel = sharded ? "" : channel;
        this.graceSeconds = graceSeconds;
        this.lagMillis = lagMillis;
        List<String> keys = new ArrayList<>();
        List<String> shardedChannels = new ArrayList<>();
        for (int group = 0; group < GROUPS; group++) {
            keys.add(keyPrefix + "expiries:{" + group + "}");
            shardedChannels.add(channel + ":{" + group + "}");
        }
        this.expiryKeys = List.copyOf(keys);
        this.channels = sharded ? List.copyOf(shardedChannels) : List.of(channel);
    }

    String key(String id) {
        return keyPrefix + "session:{" + id + "}";
    }

    /** The index of a principal's sessions. */
    String principalKey(String principal) {
        return keyPrefix + "principal:" + principal;
    }

    /** The unsharded channel. */
    String channel() {
        return channel;
    }

    /** Whether the caller announces changes, on sharded channels, rather than the scripts. */
    boolean sharded() {
        return sharded;
    }

    /** Every channel announcements go on: the one channel, or the {@value #GROUPS} sharded ones. */
    List<String> channels() {
        return channels;
    }

    /** The channel a session's changes are announced on. */
    String channel(String id) {
        return channels.get(sharded ? group(id) : 0);
    }

    /** An announcement of {@code version} of a session, 0 for a delete nobody acknowledges. */
    static String message(String id, long version) {
        return id + " " + version;
    }

    /** A delete's announcement that its receivers acknowledge to {@code node} under {@code sequence}. */
    static String deleteMessage(String id, String node, long sequence) {
        return id + " 0 " + node + " " + sequence;
    }

    Object[] loadArgs(long now) {
        return new Object[] {bytes(now), bytes(graceSeconds), bytes(lagMillis)};
    }

    /** For {@link #TOUCH} of the sessions accessed at {@code times}, in the order of its keys. */
    Object[] touchArgs(List<Long> times) {
        Object[] args = new Object[times.size() + 2];
        args[0] = bytes(graceSeconds);
        args[1] = bytes(lagMillis);
        for (int i = 0; i < times.size(); i++) {
            args[i + 2] = bytes(times.get(i));
        }
        return args;
    }

    Object[] claimArgs(String id, long now) {
        return new Object[] {bytes(now), bytes(scriptChannel), bytes(id), bytes(lagMillis)};
    }

    /** When a session last accessed at {@code lastAccessedTime} is due to be claimed, epoch milliseconds. */
    long dueTime(long lastAccessedTime, int maxInactiveSeconds) {
        return lastAccessedTime + maxInactiveSeconds * 1000L + lagMillis;
    }

    /**
     * The sorted set, of {@value #GROUPS}, that indexes a session by the time it is due to expire. The
     * groups spread the index over the slots of a Redis Cluster; each is one hash tag.
     */
    String expiryKey(String id) {
        return expiryKeys.get(group(id));
    }

    private static int group(String id) {
        return Math.floorMod(id.hashCode(), GROUPS);
    }

    /** Every expiry index, for a sweep. */
    List<String> expiryKeys() {
        return expiryKeys;
    }

    /** A delete that nobody acknowledges. */
    Object[] deleteArgs(String id) {
        return new Object[] {bytes(scriptChannel), bytes(id), bytes("")};
    }

    /** A delete whose receivers acknowledge it to {@code node} under {@code sequence}. */
    Object[] deleteArgs(String id, String node, long sequence) {
        return new Object[] {bytes(scriptChannel), bytes(id), bytes(" " + node + " " + sequence)};
    }

    /** Where the nodes acknowledge deletes announced by {@code node}: sharded on Redis Cluster, in one slot. */
    String ackChannel(String node) {
        return channel + "-acks:" + (sharded ? "{" + node + "}" : node);
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
        if (session.principal() != null) {
            args.add(bytes(PRINCIPAL));
            args.add(bytes(session.principal()));
        }
        session.attributes().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        return args.toArray();
    }

    Object[] updateArgs(SessionChange.Update update, long now) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(scriptChannel));
        args.add(bytes(update.id()));
        args.add(bytes(graceSeconds));
        args.add(bytes(now - lagMillis));
        boolean principalSet = update.principal().filter(name -> !name.isEmpty()).isPresent();
        args.add(bytes(update.set().size() + (update.maxInactiveSeconds().isPresent() ? 1 : 0)
                + (principalSet ? 1 : 0)));
        update.maxInactiveSeconds().ifPresent(seconds -> {
            args.add(bytes(TIMEOUT));
            args.add(bytes(seconds));
        });
        if (principalSet) {
            args.add(bytes(PRINCIPAL));
            args.add(bytes(update.principal().get()));
        }
        update.set().forEach((name, value) -> {
            args.add(bytes(ATTRIBUTE + name));
            args.add(value);
        });
        update.removed().forEach(name -> args.add(bytes(ATTRIBUTE + name)));
        if (update.principal().filter(String::isEmpty).isPresent()) {
            args.add(bytes(PRINCIPAL));
        }
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
        String principal = null;
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
                    case PRINCIPAL -> principal = new String(value, StandardCharsets.UTF_8);
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
        return new SessionRecord(id, created, accessed, timeout, attributes, version, false, principal);
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
        String[] tokens = message.split(" ", 5);
        if (tokens.length < 2 || tokens[0].isEmpty()) {
            return null;
        }
        long version;
        try {
            version = Long.parseLong(tokens[1]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (version == 0 && tokens.length >= 4) {
            try {
                return new Announcement(tokens[0], 0, tokens[2], Long.parseLong(tokens[3]));
            } catch (NumberFormatException e) {
                // not an acknowledgement request of this format: ignored, as any token after the version
            }
        }
        return new Announcement(tokens[0], version, null, 0);
    }

    /**
     * @param version  the version a change made; 0 for a delete
     * @param ackTo    the node that waits for this announcement to be acknowledged, or null
     * @param sequence what to acknowledge it with
     */
    record Announcement(String id, long version, String ackTo, long sequence) {
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
