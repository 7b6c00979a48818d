package io.sessionstore.session.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sessionstore.session.store.SessionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * The entries of a {@link CachingSessionStore}: sessions this node loaded or wrote recently, and tombstones for
 * versions announced by its {@link InvalidationFeed}. A request may use an entry only if:
 * <ul>
 *   <li>the node is subscribed to those messages (while it is not, and after any reconnection, it holds
 *       nothing: messages missed meanwhile cannot make an entry stale);</li>
 *   <li>the entry is at least as new as the version the client was last told of (its version cookie), so a client
 *       always sees every change acknowledged to it, on whichever node made it;</li>
 *   <li>the entry is younger than {@code maxAgeMillis};</li>
 *   <li>the store confirmed the entry's version less than {@code trustMillis} ago (a load, this node's own write,
 *       or a touch or version lookup that found that version): a change the feed did not announce (an operator's {@code DEL}, a
 *       {@code FLUSHALL}, an eviction, messages lost in a partition) is served for at most that long;</li>
 *   <li>the session has not expired by the last access this node knows of; near its expiry, the store decides.</li>
 * </ul>
 * An entry loaded while a newer write or a delete was announced is not kept (tombstones).
 *
 * <p>Bounded by a number of sessions and by an estimate of their heap ({@link #estimatedBytes}), with Caffeine's
 * W-TinyLFU eviction: past the bound, the sessions least likely to be used again go one by one, so the hit rate
 * degrades with the number of active sessions instead of collapsing. Each entry weighs at least
 * {@code maxBytes / maxEntries}, which is how one weight bound keeps both. Thread-safe.
 */
final class NearCache {

    /**
     * A session's record at {@code version}, or a tombstone: a newer version announced than the record it keeps
     * (or none). A tombstone keeps the record it replaced, so that this node's own write of the next version can
     * still move it on when the announcement of that write arrives before the write's answer.
     */
    private static final class Entry {
        private static final AtomicLongFieldUpdater<Entry> CONFIRMED_AT =
                AtomicLongFieldUpdater.newUpdater(Entry.class, "confirmedAt");
        private static final AtomicLongFieldUpdater<Entry> LAST_ACCESSED_TIME =
                AtomicLongFieldUpdater.newUpdater(Entry.class, "lastAccessedTime");

        final SessionRecord record;
        final long version;
        final long storedAt;
        /**
         * When the store last confirmed the version, and the last access this node knows of: they only move
         * forward, in place, on every hit and every confirmation, so neither rewrites the cache's entry (nor weighs
         * it again).
         */
        private volatile long confirmedAt;
        private volatile long lastAccessedTime;

        Entry(SessionRecord record, long version, long storedAt, long confirmedAt) {
            this.record = record;
            this.version = version;
            this.storedAt = storedAt;
            this.confirmedAt = confirmedAt;
            this.lastAccessedTime = record == null ? 0 : record.lastAccessedTime();
        }

        boolean usable() {
            return record != null && record.version() == version;
        }

        void confirm(long at) {
            CONFIRMED_AT.accumulateAndGet(this, at, Math::max);
        }

        void access(long at) {
            LAST_ACCESSED_TIME.accumulateAndGet(this, at, Math::max);
        }

        /** The record as of the last access this node knows of. */
        SessionRecord current() {
            long accessed = lastAccessedTime;
            return accessed == record.lastAccessedTime() ? record : record.accessedAt(accessed);
        }
    }

    private static final long DELETED = Long.MAX_VALUE;

    /**
     * Heap of an entry besides its attributes: the cache's node, the entry, the record, its id and its map.
     */
    private static final int ENTRY_BYTES = 240;
    /** Heap of one attribute besides its value's bytes: the map's node, the name and the byte array's header. */
    private static final int ATTRIBUTE_BYTES = 96;

    private final Cache<String, Entry> cache;
    private final ConcurrentMap<String, Entry> entries;
    private final long maxAgeMillis;
    private final long trustMillis;
    private final long lookupWindowMillis;
    private final AtomicLong generation = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder idleReturns = new LongAdder();
    private final LongAdder lookupCandidates = new LongAdder();
    private volatile boolean subscribed;

    /**
     * @param maxEntries   sessions held at most
     * @param maxBytes     the estimated heap the entries take at most, in bytes
     * @param maxAgeMillis how long an entry is used after it was loaded or written
     * @param trustMillis  how long an entry is used after the store last confirmed its version
     * @param lookupWindowMillis how long after its last use an entry is worth keeping confirmed ({@link #inUse})
     */
    NearCache(int maxEntries, long maxBytes, long maxAgeMillis, long trustMillis, long lookupWindowMillis) {
        this.maxAgeMillis = maxAgeMillis;
        this.trustMillis = trustMillis;
        this.lookupWindowMillis = lookupWindowMillis;
        long leastWeight = Math.max(1, maxBytes / maxEntries);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Entry entry) -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(leastWeight, estimatedBytes(id, entry.record))))
                // Past its maximum age an entry is never used (get): it only takes room.
                .expireAfterWrite(Duration.ofMillis(maxAgeMillis))
                .evictionListener((String id, Entry entry, RemovalCause cause) -> {
                    if (entry != null && !entry.usable()) {
                        // A tombstone gone: a load that started before its announcement must not be kept.
                        generation.incrementAndGet();
                    }
                })
                // Upkeep on the threads that write, not on the common pool's.
                .executor(Runnable::run)
                .build();
        this.entries = cache.asMap();
    }

    /** Sessions and tombstones held, as Caffeine estimates them. */
    long size() {
        return cache.estimatedSize();
    }

    /** The estimated heap of the entries held, in bytes ({@link #estimatedBytes}); one pass over them. */
    long estimatedBytes() {
        long bytes = 0;
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            bytes += estimatedBytes(entry.getKey(), entry.getValue().record);
        }
        return bytes;
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

    /**
     * @param now       the time of the access (the request's arrival), for the expiry
     * @param checkedAt the time now, never before {@code now}: what the entry's age and trust are measured at
     * @return the cached record if it may be used for a client that knows {@code knownVersion}, else null
     */
    SessionRecord get(String id, long knownVersion, long now, long checkedAt) {
        if (!subscribed || knownVersion < 0) {
            return null;
        }
        requests.increment();
        Entry entry = cache.getIfPresent(id);
        if (entry != null && entry.usable()) {
            countIdleReturn(now - entry.lastAccessedTime);
        }
        if (entry == null || !entry.usable() || checkedAt - entry.storedAt >= maxAgeMillis
                || checkedAt - entry.confirmedAt >= trustMillis || entry.version < knownVersion
                || expired(entry.record.maxInactiveSeconds(), entry.lastAccessedTime, now)) {
            return null;
        }
        return entry.current();
    }

    /**
     * A request found its entry {@code idleMillis} after this node last used it: when its touch's confirmation ran out
     * before this request but the lookup window did not, version lookups serve it from memory (or would have, while
     * they are off); without them it is loaded.
     */
    private void countIdleReturn(long idleMillis) {
        if (idleMillis >= trustMillis && idleMillis < lookupWindowMillis) {
            idleReturns.increment();
        }
    }

    /**
     * Requests since the last call for an entry this node last used at least the trust period and less than the
     * lookup window before: those that version lookups serve from memory, hit or miss, each a load spared or not.
     */
    long takeIdleReturns() {
        return idleReturns.sumThenReset();
    }

    /** The entries {@link #inUse} found since the last call, however many it listed: the lookups worth making. */
    long takeLookupCandidates() {
        return lookupCandidates.sumThenReset();
    }

    /** The requests since the last call that asked for a session while subscribed, served or not. */
    long takeRequests() {
        return requests.sumThenReset();
    }

    /**
     * The sessions worth confirming at {@code now}, so that their entries stay trusted: held as usable entries not
     * past their maximum age and used by a request (or loaded) within the lookup window; the {@code max} used last
     * when there are more (none for 0), all of them counted ({@link #takeLookupCandidates}). Empty while the node is
     * not subscribed. One pass over the entries.
     */
    List<String> inUse(long now, int max) {
        if (!subscribed) {
            return List.of();
        }
        List<Map.Entry<String, Long>> used = new ArrayList<>();
        long[] candidates = new long[1];
        entries.forEach((id, entry) -> {
            long accessed = entry.lastAccessedTime;
            if (now - accessed < lookupWindowMillis && now - entry.storedAt < maxAgeMillis && entry.usable()) {
                candidates[0]++;
                if (max > 0) {
                    used.add(Map.entry(id, accessed));
                }
            }
        });
        lookupCandidates.add(candidates[0]);
        if (used.size() > max) {
            used.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        }
        return used.stream().limit(max).map(Map.Entry::getKey).toList();
    }

    /** A request used the cached session at {@code now}: the entry's last access moves on, its version stays. */
    void touched(String id, long now) {
        Entry entry = cache.policy().getIfPresentQuietly(id); // not a second use for the eviction policy
        if (entry != null && entry.record != null) {
            entry.access(now);
        }
    }

    /**
     * A touch or a version lookup sent at {@code sentAt} found {@code version} in the store (0: gone): the entry of
     * that version is trusted for longer; any other version, or none, ends it.
     */
    void confirmed(String id, long version, long sentAt) {
        if (version == 0) {
            announced(id, 0, sentAt);
            return;
        }
        Entry entry = cache.policy().getIfPresentQuietly(id); // an answer from the store is no use
        if (entry == null) {
            return;
        }
        if (entry.version == version) {
            // Racing a replacement of the entry is harmless: only the entry of that version is confirmed.
            entry.confirm(sentAt);
        } else if (entry.version < version) {
            announced(id, version, sentAt);
        }
    }

    void put(SessionRecord record, long generationAtLoad, long now) {
        if (!subscribed) {
            return;
        }
        entries.compute(record.id(), (id, old) -> {
            if (generation.get() != generationAtLoad) {
                return old;
            }
            if (old != null && now - old.storedAt < maxAgeMillis && old.version > record.version()) {
                return old; // a newer version, or a delete, was announced meanwhile
            }
            return new Entry(record, record.version(), now, now);
        });
    }

    /**
     * This node wrote {@code version} of a session: the cached entry moves on with the change when it held the
     * version just before, and is dropped otherwise.
     */
    void wrote(String id, long version, UnaryOperator<SessionRecord> change, long now) {
        entries.compute(id, (key, old) -> {
            if (old != null && old.record != null && old.record.version() == version - 1
                    && old.version <= version && now - old.storedAt < maxAgeMillis && subscribed) {
                return new Entry(change.apply(old.current()), version, now, now);
            }
            return old != null && old.version >= version ? old : new Entry(null, version, now, now);
        });
    }

    /** A write announced {@code version} of a session (0: deleted). */
    void announced(String id, long version, long now) {
        long announced = version == 0 ? DELETED : version;
        entries.compute(id, (key, old) -> {
            if (old != null && old.version >= announced) {
                return old;
            }
            return new Entry(old == null || version == 0 ? null : old.current(), announced, now, now);
        });
    }

    /**
     * Expired as far as this node knows: the store decides, since another node may have seen a later access. Loaded
     * again, so that a session expires on time near cache or not.
     */
    private static boolean expired(int maxInactiveSeconds, long lastAccessedTime, long now) {
        return maxInactiveSeconds > 0 && now - lastAccessedTime > maxInactiveSeconds * 1000L;
    }

    void subscribed() {
        reset();
        subscribed = true;
    }

    void unsubscribed() {
        subscribed = false;
        reset();
    }

    /**
     * The heap an entry takes, estimated from its record: {@value #ENTRY_BYTES} bytes, plus per attribute
     * {@value #ATTRIBUTE_BYTES} bytes, its name's characters and its value's bytes. A tombstone without a record
     * takes the entry's part only.
     */
    static long estimatedBytes(String id, SessionRecord record) {
        long bytes = ENTRY_BYTES + id.length();
        if (record != null) {
            for (Map.Entry<String, byte[]> attribute : record.attributes().entrySet()) {
                bytes += ATTRIBUTE_BYTES + attribute.getKey().length() + attribute.getValue().length;
            }
            bytes += record.principal() == null ? 0 : 40 + record.principal().length();
        }
        return bytes;
    }

    private void reset() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }
}
