package io.sessionstore.session.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions in this JVM's memory, with the same semantics as the Redis store (see {@link SessionStore}): versions,
 * {@link WriteResult.Gone gone} results, expiry from the last access, and expired sessions handed out once by
 * {@link #claimExpired}. For tests, and for an application on one node that wants the session layer's behaviour
 * without a server. Thread-safe: each session is changed under its map entry's lock. Touches apply at once. Expired
 * sessions are kept for the grace period (for {@link #claimExpired}), then dropped when next looked at and by a sweep
 * every {@value #SWEEP_EVERY} writes, so memory stays bounded by the sessions alive within their timeout and grace.
 */
public final class InMemorySessionStore implements SessionStore {

    private static final int SWEEP_EVERY = 1_000;

    private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger writesSinceSweep = new AtomicInteger();
    private final List<TouchListener> touchListeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final long graceMillis;

    /** With the system clock and no grace: an expired session is dropped at once, and never claimed. */
    public InMemorySessionStore() {
        this(Clock.systemUTC(), Duration.ZERO);
    }

    /**
     * @param clock the time that writes are checked against (loads and touches say their own time)
     * @param grace how long an expired session is kept for {@link #claimExpired}
     */
    public InMemorySessionStore(Clock clock, Duration grace) {
        this.clock = clock;
        this.graceMillis = grace.toMillis();
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        SessionRecord[] before = new SessionRecord[1];
        sessions.computeIfPresent(id, (key, r) -> {
            if (expired(r, now)) {
                return dropped(r, now) ? null : r;
            }
            before[0] = r;
            return accessed(r, now);
        });
        return Optional.ofNullable(before[0]);
    }

    /** A scan of every session: fine for the tests and the single node this store is for. */
    @Override
    public List<SessionRecord> sessionsOf(String principal) {
        return sessions.values().stream()
                .filter(record -> principal.equals(record.principal()))
                .sorted(Comparator.comparingLong(SessionRecord::creationTime))
                .toList();
    }

    @Override
    public OptionalLong lastAccessedTime(String id) {
        SessionRecord record = sessions.get(id);
        return record == null || expired(record, clock.millis()) ? OptionalLong.empty()
                : OptionalLong.of(record.lastAccessedTime());
    }

    /** Touches at once, then tells the listeners the version found (0 when gone or expired). */
    @Override
    public void touch(String id, long now) {
        SessionRecord touched = sessions.computeIfPresent(id, (key, r) -> expired(r, now) ? r : accessed(r, now));
        long version = touched == null || expired(touched, now) ? 0 : touched.version();
        touchListeners.forEach(listener -> listener.touched(id, version, now));
    }

    @Override
    public void addTouchListener(TouchListener listener) {
        touchListeners.add(listener);
    }

    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        List<SessionRecord> claimed = new ArrayList<>();
        for (SessionRecord record : sessions.values()) {
            if (claimed.size() >= max) {
                break;
            }
            // Removed only if still this record: a touch or a write in between won, and the session lives on.
            if (expired(record, now) && sessions.remove(record.id(), record)) {
                if (!dropped(record, now)) {
                    claimed.add(record);
                }
            }
        }
        return claimed;
    }

    @Override
    public WriteResult write(SessionChange change) {
        long now = clock.millis();
        if (writesSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            writesSinceSweep.set(0);
            sessions.values().removeIf(record -> dropped(record, now));
        }
        if (change instanceof SessionChange.Create create) {
            return put(create.session());
        }
        if (change instanceof SessionChange.Update update) {
            return update(update, now);
        }
        if (change instanceof SessionChange.Delete delete) {
            return sessions.remove(delete.id()) != null ? WriteResult.DELETED : WriteResult.GONE;
        }
        if (change instanceof SessionChange.Rename rename) {
            SessionRecord old = sessions.remove(rename.oldId());
            return old == null || expired(old, now) ? WriteResult.GONE : put(rename.session());
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
        sessions.put(session.id(), session.stored(1));
        return new WriteResult.Written(1);
    }

    private WriteResult update(SessionChange.Update update, long now) {
        long[] version = {0};
        sessions.computeIfPresent(update.id(), (key, r) -> {
            if (expired(r, now)) {
                return dropped(r, now) ? null : r;
            }
            version[0] = r.version() + 1;
            return update.applyTo(r, version[0]);
        });
        return version[0] == 0 ? WriteResult.GONE : new WriteResult.Written(version[0]);
    }

    private static SessionRecord accessed(SessionRecord r, long now) {
        return r.accessedAt(Math.max(now, r.lastAccessedTime()));
    }

    /** Expired at {@code now}: more than its timeout since its last access. */
    private static boolean expired(SessionRecord record, long now) {
        return record.maxInactiveSeconds() > 0
                && now - record.lastAccessedTime() > record.maxInactiveSeconds() * 1000L;
    }

    /** Expired longer ago than the grace: nobody needs it any more. */
    private boolean dropped(SessionRecord record, long now) {
        return record.maxInactiveSeconds() > 0
                && now - record.lastAccessedTime() > record.maxInactiveSeconds() * 1000L + graceMillis;
    }
}
