package io.sessionstore.session.web;

import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A store for tests of the web layer: sessions kept in an {@link InMemorySessionStore}, every call the filter makes
 * counted (loads, and writes by the kind of change) and every change kept in order. It can be told to fail as an
 * unreachable store does, and it gives direct access to the sessions it holds ({@link #behindTheBack()}), which
 * neither counts nor fails: what another node, or an expiry, would do meanwhile.
 */
final class CountingSessionStore implements SessionStore {

    private volatile SessionStore delegate = newStore();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicLong lastKnownVersion = new AtomicLong(Long.MIN_VALUE);
    private final List<SessionChange> changes = new CopyOnWriteArrayList<>();
    private final List<String> touches = new CopyOnWriteArrayList<>();
    private volatile boolean failLoads;
    private volatile boolean failWrites;
    private volatile Supplier<SessionStoreUnavailableException> failure = CountingSessionStore::refused;

    /** Starts again: an empty store, no calls counted, no failures. */
    void reset() {
        delegate = newStore();
        loads.set(0);
        touches.clear();
        lastKnownVersion.set(Long.MIN_VALUE);
        changes.clear();
        failLoads = false;
        failWrites = false;
        failure = CountingSessionStore::refused;
    }

    /** From now on, loads throw {@link SessionStoreUnavailableException}. */
    void failLoads() {
        failLoads = true;
    }

    /** From now on, writes throw {@link SessionStoreUnavailableException}. */
    void failWrites() {
        failWrites = true;
    }

    /** The exception that failing calls throw. */
    void failWith(Supplier<SessionStoreUnavailableException> failure) {
        this.failure = failure;
    }

    /** The sessions themselves, past the counting and the failures. */
    SessionStore behindTheBack() {
        return delegate;
    }

    /** A stored session as it is now, or empty when it is gone. Counts as no call; touches it as a load does. */
    Optional<SessionRecord> peek(String id) {
        return delegate.loadAndTouch(id, -1, System.currentTimeMillis());
    }

    boolean holds(String id) {
        return peek(id).isPresent();
    }

    /** Sessions held. */
    int size() {
        return ((InMemorySessionStore) delegate).size();
    }

    /** Loads the filter asked for, failed ones included. */
    int loads() {
        return loads.get();
    }

    /** The version the client knew, as the filter passed it with the last load. */
    long lastKnownVersion() {
        if (loads.get() == 0) {
            throw new AssertionError("Nothing was loaded");
        }
        return lastKnownVersion.get();
    }

    /** The kinds of the changes the filter wrote, in order: {@code ["Delete", "Create"]}, say. */
    List<String> writeKinds() {
        return changes.stream().map(change -> change.getClass().getSimpleName()).toList();
    }

    /** The changes the filter wrote, failed ones included, in order. */
    List<SessionChange> changes() {
        return List.copyOf(changes);
    }

    /** The last change the filter wrote. */
    SessionChange lastChange() {
        if (changes.isEmpty()) {
            throw new AssertionError("Nothing was written");
        }
        return changes.get(changes.size() - 1);
    }

    /** The ids the filter touched without a load, in order. */
    List<String> touches() {
        return List.copyOf(touches);
    }

    @Override
    public void touch(String id, long now) {
        touches.add(id);
        delegate.touch(id, now);
    }

    @Override
    public OptionalLong lastAccessedTime(String id) {
        return delegate.lastAccessedTime(id);
    }

    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        return delegate.claimExpired(now, max);
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        lastKnownVersion.set(knownVersion);
        loads.incrementAndGet();
        if (failLoads) {
            throw failure.get();
        }
        return delegate.loadAndTouch(id, knownVersion, now);
    }

    @Override
    public WriteResult write(SessionChange change) {
        changes.add(change);
        if (failWrites) {
            throw failure.get();
        }
        return delegate.write(change);
    }

    /** Expired sessions kept a minute, as the Redis store keeps them, for the expiry sweep to claim. */
    private static SessionStore newStore() {
        return new InMemorySessionStore(Clock.systemUTC(), Duration.ofSeconds(60));
    }

    private static SessionStoreUnavailableException refused() {
        return new SessionStoreUnavailableException("The test store is down",
                new ConnectException("Connection refused"));
    }
}
