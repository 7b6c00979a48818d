package io.sessionstore.session.metrics;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.UnreadableSessionException;
import io.sessionstore.session.store.WriteResult;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Counts what the requests of one application do with their sessions, in front of any store (the near cache and
 * Redis behind it, or another store): a decorator that adds no call to the store behind.
 *
 * <ul>
 *   <li>{@link #loadAndTouch}: found ({@code loaded}), nothing ({@code not_found}), or unreadable
 *       ({@code unreadable}, and the {@link SessionChange.Delete} of that id that follows on the same thread, which
 *       drops it, is not counted as an invalidation);</li>
 *   <li>{@link #write}, once the store took it: {@link SessionChange.Create} {@code created};
 *       {@link SessionChange.Update} and {@link SessionChange.Rename} {@code saved} when written (not when the
 *       session was gone); {@link SessionChange.Delete} {@code invalidated}; {@link SessionChange.Replace} both
 *       {@code invalidated} and {@code created}. A write that fails counts nothing here (the failure status it leads
 *       to is counted by the filter);</li>
 *   <li>{@link #claimExpired}: each session returned is {@code expired}.</li>
 * </ul>
 * Thread-safe when the store behind is.
 */
public final class MeteredSessionStore implements SessionStore {

    private final SessionStore store;
    private final SessionMetrics metrics;
    /** The id of an unreadable session this thread just loaded, whose delete is a drop, not an invalidation. */
    private final ThreadLocal<String> unreadableId = new ThreadLocal<>();

    /**
     * @param store   the store that does the work; not null
     * @param metrics where to count; not null
     */
    public MeteredSessionStore(SessionStore store, SessionMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** @throws UnreadableSessionException as the store behind does, counted */
    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        Optional<SessionRecord> record;
        try {
            record = store.loadAndTouch(id, knownVersion, now);
        } catch (UnreadableSessionException e) {
            metrics.sessionUnreadable();
            unreadableId.set(id);
            throw e;
        }
        if (record.isPresent()) {
            metrics.sessionLoaded();
        } else {
            metrics.sessionNotFound();
        }
        return record;
    }

    @Override
    public OptionalLong lastAccessedTime(String id) {
        return store.lastAccessedTime(id);
    }

    @Override
    public WriteResult write(SessionChange change) {
        boolean dropped = false;
        if (change instanceof SessionChange.Delete delete) {
            String unreadable = unreadableId.get();
            if (unreadable != null) {
                unreadableId.remove();
                dropped = unreadable.equals(delete.id());
            }
        }
        WriteResult result = store.write(change);
        if (change instanceof SessionChange.Create) {
            metrics.sessionCreated();
        } else if (change instanceof SessionChange.Update || change instanceof SessionChange.Rename) {
            if (result instanceof WriteResult.Written) {
                metrics.sessionSaved();
            }
        } else if (change instanceof SessionChange.Delete) {
            if (!dropped && result instanceof WriteResult.Deleted) {
                metrics.sessionInvalidated();
            }
        } else if (change instanceof SessionChange.Replace) {
            metrics.sessionInvalidated();
            metrics.sessionCreated();
        }
        return result;
    }

    @Override
    public void touch(String id, long now) {
        store.touch(id, now);
    }

    @Override
    public void addTouchListener(TouchListener listener) {
        store.addTouchListener(listener);
    }

    @Override
    public void confirmVersions(VersionsToConfirm source) {
        store.confirmVersions(source);
    }

    @Override
    public List<SessionRecord> sessionsOf(String principal) {
        return store.sessionsOf(principal);
    }

    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        List<SessionRecord> claimed = store.claimExpired(now, max);
        if (!claimed.isEmpty()) {
            metrics.sessionsExpired(claimed.size());
        }
        return claimed;
    }

    /** Closes the store behind. */
    @Override
    public void close() {
        store.close();
    }
}
