package io.sessionstore.session.web;

import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.UnreadableSessionException;
import jakarta.servlet.ServletContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the application of sessions that timed out, as Tomcat does when one of its sessions expires (Servlet 6.1,
 * section 7.6 and the {@code HttpSessionListener} Javadoc): {@code sessionDestroyed} while the attributes can still be
 * read, then each attribute removed ({@code valueUnbound}, {@code attributeRemoved}). The sessions come from
 * {@link io.sessionstore.session.store.SessionStore#claimExpired}, which hands each expired session to exactly one
 * node. Run it every housekeeping interval on a thread of its own; it sets the application's class loader while it
 * decodes and calls. Thread-safe, but meant for one thread.
 */
public final class SessionExpiry implements Runnable {

    /** Sessions claimed per store call; a sweep goes on while calls come back full. */
    static final int CLAIM_BATCH = 100;

    private static final Logger log = LoggerFactory.getLogger(SessionExpiry.class);

    private final SessionRequests shared;
    private final ServletContext context;

    public SessionExpiry(SessionRequests shared, ServletContext context) {
        this.shared = shared;
        this.context = context;
    }

    /**
     * Claims and tells of every session expired by now.
     *
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when the store does not answer; the
     *                                                                        sessions not claimed yet are claimed
     *                                                                        by a later run
     */
    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(context.getClassLoader());
        try {
            List<SessionRecord> claimed;
            do {
                long now = System.currentTimeMillis();
                claimed = shared.store().claimExpired(now, CLAIM_BATCH);
                claimed.forEach(record -> destroyed(record, now));
            } while (claimed.size() == CLAIM_BATCH);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void destroyed(SessionRecord record, long now) {
        tellDestroyed(shared, context, record, now);
    }

    /**
     * Tells the application of a session that ended outside any request (timed out, or ended through
     * {@link PrincipalSessions}): {@code sessionDestroyed} while the attributes can still be read, then each
     * attribute removed. A session that cannot be read is not told of.
     */
    static void tellDestroyed(SessionRequests shared, ServletContext context, SessionRecord record, long now) {
        SessionState state;
        try {
            state = SessionState.loaded(shared.codec(), record, now);
        } catch (UnreadableSessionException e) {
            log.warn("Session {}... ended but cannot be read, so the application is not told: {}",
                    record.id().substring(0, 4), e.getMessage());
            return;
        }
        HttpSessionAdapter session = new HttpSessionAdapter(state, context, shared, () -> { });
        shared.listeners().destroyed(session);
        state.invalidate("sessionDestroyed").forEach((name, value) -> shared.listeners().removed(session, name,
                value));
    }
}
