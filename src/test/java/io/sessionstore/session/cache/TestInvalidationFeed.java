package io.sessionstore.session.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link InvalidationFeed} driven by hand: it records every listener given to {@link #subscribe} and passes on
 * to the last one only what the test tells it to ({@link #confirm}, {@link #lose}, {@link #announce}), on the
 * test's thread.
 */
final class TestInvalidationFeed implements InvalidationFeed {

    private final List<Listener> subscribeCalls = new CopyOnWriteArrayList<>();
    private volatile Runnable subscribeHook = () -> { };
    private volatile boolean closed;

    @Override
    public void subscribe(Listener listener) {
        subscribeCalls.add(listener);
        Runnable hook = subscribeHook;
        subscribeHook = () -> { };
        hook.run();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The subscription is confirmed: {@link Listener#subscribed()}. */
    void confirm() {
        listener().subscribed();
    }

    /** Announcements may be lost: {@link Listener#lost()}. */
    void lose() {
        listener().lost();
    }

    /** A change of {@code id} to {@code version} (0: deleted): {@link Listener#announced}. */
    void announce(String id, long version) {
        listener().announced(id, version);
    }

    /** Runs {@code hook} once, inside the next {@link #subscribe}, after its listener was recorded. */
    void duringNextSubscribe(Runnable hook) {
        subscribeHook = hook;
    }

    int subscribeCount() {
        return subscribeCalls.size();
    }

    /** The listener of every {@link #subscribe} call, in order. */
    List<Listener> subscribeCalls() {
        return List.copyOf(subscribeCalls);
    }

    boolean isClosed() {
        return closed;
    }

    /** The listener of the last {@link #subscribe} call. */
    private Listener listener() {
        if (subscribeCalls.isEmpty()) {
            throw new IllegalStateException("subscribe was never called: no listener to tell");
        }
        return subscribeCalls.get(subscribeCalls.size() - 1);
    }
}
