package io.sessionstore.session.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions in this JVM's memory, with the same semantics as the Redis store (see {@link SessionStore}): versions,
 * {@link WriteResult.Gone gone} results and expiry. For tests, and for an application on one node that wants the
 * session layer's behaviour without a server. Thread-safe: each session is changed under its map entry's lock.
 * Expired sessions are dropped when they are next looked at and by a sweep every {@value #SWEEP_EVERY} writes, so
 * memory stays bounded by the sessions alive within their timeout.
 */
public final class InMemorySessionStore implements SessionStore {

    private static final int SWEEP_EVERY = 1_000;

    /** A stored session and when it expires (epoch milliseconds; {@link Long#MAX_VALUE}: never). */
    private record Entry(SessionRecord record, long expiresAt) {
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger writesSinceSweep = new AtomicInteger();
    private final Clock clock;
    private final long graceMillis;

    /** With the system clock and no grace: a session expires exactly its timeout after its last access. */
    public InMemorySessionStore() {
        this(Clock.systemUTC(), Duration.ZERO);
    }

    /**
     * @param clock the time that expiry is measured in
     * @param grace added to every session's timeout, as the Redis store adds the near cache's maximum age
     */
    public InMemorySessionStore(Clock clock, Duration grace) {
        this.clock = clock;
        this.graceMillis = grace.toMillis();
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        Entry[] before = new Entry[1];
        sessions.computeIfPresent(id, (key, entry) -> {
            if (expired(entry)) {
                return null;
            }
            before[0] = entry;
            SessionRecord r = entry.record();
            return entry(new SessionRecord(r.id(), r.creationTime(), now, r.maxInactiveSeconds(), r.attributes(),
                    r.version()));
        });
        return Optional.ofNullable(before[0]).map(Entry::record);
    }

    @Override
    public WriteResult write(SessionChange change) {
        if (writesSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            writesSinceSweep.set(0);
            sessions.values().removeIf(this::expired);
        }
        if (change instanceof SessionChange.Create create) {
            return put(create.session());
        }
        if (change instanceof SessionChange.Update update) {
            return update(update);
        }
        if (change instanceof SessionChange.Delete delete) {
            sessions.remove(delete.id());
            return WriteResult.DELETED;
        }
        if (change instanceof SessionChange.Rename rename) {
            Entry old = sessions.remove(rename.oldId());
            return old == null || expired(old) ? WriteResult.GONE : put(rename.session());
        }
        if (change instanceof SessionChange.Replace replace) {
            sessions.remove(replace.deletedId());
            return put(replace.session());
        }
        throw new IllegalArgumentException("Unknown change " + change);
    }

    /** Sessions held, expired ones not yet dropped included: for tests. */
    public int size() {
        return sessions.size();
    }

    private WriteResult put(SessionChange.Snapshot session) {
        sessions.put(session.id(), entry(session.stored(1)));
        return new WriteResult.Written(1);
    }

    private WriteResult update(SessionChange.Update update) {
        long[] version = {0};
        sessions.computeIfPresent(update.id(), (key, entry) -> {
            if (expired(entry)) {
                return null;
            }
            version[0] = entry.record().version() + 1;
            return entry(update.applyTo(entry.record(), version[0]));
        });
        return version[0] == 0 ? WriteResult.GONE : new WriteResult.Written(version[0]);
    }

    private Entry entry(SessionRecord record) {
        long expiresAt = record.maxInactiveSeconds() > 0
                ? clock.millis() + record.maxInactiveSeconds() * 1000L + graceMillis : Long.MAX_VALUE;
        return new Entry(record, expiresAt);
    }

    private boolean expired(Entry entry) {
        return clock.millis() >= entry.expiresAt();
    }
}
