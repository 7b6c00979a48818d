package io.sessionstore.session.cache;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that counts the calls reaching it and passes them on to another. Hooks run inside a call, after the
 * wrapped store answered and before the answer is returned: there a test makes something happen "meanwhile".
 */
final class CountingSessionStore implements SessionStore {

    private final SessionStore store;
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile Runnable loadHook = () -> { };
    private volatile Runnable writeHook = () -> { };
    private volatile boolean failWrites;
    private volatile boolean closed;
    private final boolean confirmsTouches;

    CountingSessionStore(SessionStore store) {
        this(store, true);
    }

    private CountingSessionStore(SessionStore store, boolean confirmsTouches) {
        this.store = store;
        this.confirmsTouches = confirmsTouches;
    }

    /** A store whose touches confirm nothing, as one whose background sends are lost. */
    static CountingSessionStore confirmingNothing(SessionStore store) {
        return new CountingSessionStore(store, false);
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        loads.incrementAndGet();
        Optional<SessionRecord> loaded = store.loadAndTouch(id, knownVersion, now);
        Runnable hook = loadHook;
        loadHook = () -> { };
        hook.run();
        return loaded;
    }

    @Override
    public void touch(String id, long now) {
        store.touch(id, now);
    }

    @Override
    public void addTouchListener(TouchListener listener) {
        if (confirmsTouches) {
            store.addTouchListener(listener);
        }
    }

    @Override
    public void confirmVersions(VersionsToConfirm source) {
        if (confirmsTouches) {
            store.confirmVersions(source);
        }
    }

    @Override
    public OptionalLong lastAccessedTime(String id) {
        return store.lastAccessedTime(id);
    }

    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        return store.claimExpired(now, max);
    }

    @Override
    public WriteResult write(SessionChange change) {
        writes.incrementAndGet();
        if (failWrites) {
            throw new SessionStoreUnavailableException("no answer in time", null);
        }
        WriteResult result = store.write(change);
        Runnable hook = writeHook;
        writeHook = () -> { };
        hook.run();
        return result;
    }

    @Override
    public void close() {
        closed = true;
        store.close();
    }

    /** Loads that reached this store. */
    int loads() {
        return loads.get();
    }

    /** Writes that reached this store. */
    int writes() {
        return writes.get();
    }

    /** Runs {@code hook} once, during the next load, after the wrapped store answered. */
    void duringNextLoad(Runnable hook) {
        loadHook = hook;
    }

    /** Runs {@code hook} once, during the next write, after the wrapped store answered. */
    void duringNextWrite(Runnable hook) {
        writeHook = hook;
    }

    /** From now on every write throws {@link SessionStoreUnavailableException} without reaching the store. */
    void failWrites() {
        failWrites = true;
    }

    boolean isClosed() {
        return closed;
    }
}
