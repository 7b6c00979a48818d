package io.sessionstore.session;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.redisson.connection.ConnectionListener;

/**
 * Sessions this node loaded or wrote recently, so a request can skip the Redis round trip. Kept coherent by the
 * store: every write to a session publishes its id and new version (in the same script as the write), and every
 * node drops what it holds of that session when the message arrives. A request may use an entry only if:
 * <ul>
 *   <li>the node is subscribed to those messages (while it is not, and after any reconnection, it holds
 *       nothing: messages missed meanwhile cannot make an entry stale);</li>
 *   <li>the entry is at least as new as the version the client was last told of (its version cookie), so a client
 *       always sees every change acknowledged to it, on whichever node made it;</li>
 *   <li>the entry is younger than {@code maxAgeMillis}, which also bounds how long a session goes without its
 *       expiry being renewed in Redis.</li>
 * </ul>
 * An entry loaded while a newer write or a delete was announced is not kept (tombstones).
 */
public final class NearCache {

    /** A session's record, or a tombstone: the version announced for a session this node does not hold. */
    private record Entry(SessionRecord record, long version, long storedAt) {
    }

    private static final long DELETED = Long.MAX_VALUE;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxAgeMillis;
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean subscribed;

    /**
     * @param maxEntries   sessions held at most
     * @param maxAgeMillis how long an entry is used after it was loaded or written
     */
    public NearCache(int maxEntries, long maxAgeMillis) {
        this.maxEntries = maxEntries;
        this.maxAgeMillis = maxAgeMillis;
    }

    /**
     * A cache of up to 10,000 sessions whose entries are used for a tenth of the session timeout, between 1 and 60
     * seconds: a session in use has its expiry renewed in Redis at least that often.
     */
    public static NearCache forSessionTimeout(int timeoutSeconds) {
        long tenth = timeoutSeconds * 100L;
        return new NearCache(10_000, Math.max(1_000, Math.min(60_000, tenth)));
    }

    /**
     * For {@link org.redisson.config.Config#setConnectionListener}: a lost connection may have lost messages, so
     * the cache holds nothing until the subscription is back.
     */
    public ConnectionListener connectionListener() {
        return new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                reset();
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                unsubscribed();
            }
        };
    }

    boolean isOn() {
        return subscribed;
    }

    long maxAgeMillis() {
        return maxAgeMillis;
    }

    /** Taken before a load from Redis and handed to {@link #put}: a reset in between voids the put. */
    long generation() {
        return generation.get();
    }

    /** @return the cached record if it may be used for a client that knows {@code knownVersion}, else null */
    SessionRecord get(String id, long knownVersion, long now) {
        if (!subscribed || knownVersion < 0) {
            return null;
        }
        Entry entry = entries.get(id);
        if (entry == null || entry.record() == null || now - entry.storedAt() >= maxAgeMillis
                || entry.version() < knownVersion) {
            return null;
        }
        return entry.record();
    }

    void put(SessionRecord record, long generationAtLoad, long now) {
        if (!subscribed) {
            return;
        }
        entries.compute(record.id(), (id, old) -> {
            if (generation.get() != generationAtLoad) {
                return old;
            }
            if (old != null && now - old.storedAt() < maxAgeMillis && old.version() > record.version()) {
                return old; // a newer version, or a delete, was announced meanwhile
            }
            return new Entry(record, record.version(), now);
        });
        if (entries.size() > maxEntries) {
            long oldest = now - maxAgeMillis;
            entries.values().removeIf(entry -> entry.storedAt() <= oldest);
            if (entries.size() > maxEntries) {
                reset();
            }
        }
    }

    /**
     * This node wrote {@code version} of a session: the cached entry moves on with the change when it held the
     * version just before, and is dropped otherwise.
     */
    void wrote(String id, long version, UnaryOperator<SessionRecord> change, long now) {
        entries.compute(id, (key, old) -> {
            if (old != null && old.record() != null && old.version() == version - 1
                    && now - old.storedAt() < maxAgeMillis && subscribed) {
                return new Entry(change.apply(old.record()), version, now);
            }
            return old != null && old.version() >= version ? old : new Entry(null, version, now);
        });
    }

    /** A write announced {@code version} of a session (0: deleted). */
    void announced(String id, long version, long now) {
        long announced = version == 0 ? DELETED : version;
        entries.compute(id, (key, old) -> old != null && old.version() >= announced ? old
                : new Entry(null, announced, now));
    }

    void subscribed() {
        reset();
        subscribed = true;
    }

    void unsubscribed() {
        subscribed = false;
        reset();
    }

    private void reset() {
        generation.incrementAndGet();
        entries.clear();
    }
}
