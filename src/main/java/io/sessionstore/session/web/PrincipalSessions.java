package io.sessionstore.session.web;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.WriteResult;
import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A principal's sessions, to list and to end: "your sessions" and "log out everywhere" for a user, and the same for
 * an operator. A session's principal is the signed-in user as its requests end: the {@code String} value of the
 * attribute the setting {@code SESSION_PRINCIPAL_ATTRIBUTE} names, or without that setting the container's
 * authenticated user ({@code HttpServletRequest.getRemoteUser()}). The session filter publishes one per application
 * as the context attribute {@link #CONTEXT_ATTRIBUTE}; {@link #of} finds it.
 *
 * <p>Ending a session here is a logout on every node at once: each delete returns only once every node's near cache
 * dropped the session (or after its trust bound), so the session's next request, on any node, finds no session. The
 * application is told as for a timeout ({@code HttpSessionListener.sessionDestroyed}, then each attribute removed),
 * on the calling thread. To end the calling request's own session, call its {@code invalidate()} instead.
 *
 * <p>Costs: {@link #find} two Redis round trips (the index, then the sessions, pipelined); each session ended one
 * more (two on Redis Cluster). Thread-safe.
 */
public final class PrincipalSessions {

    /** The name of the context attribute that holds an application's instance. */
    public static final String CONTEXT_ATTRIBUTE = PrincipalSessions.class.getName();

    private final SessionRequests shared;
    private final ServletContext context;

    /**
     * @param shared  the application's session handling: its store, codec and listeners
     * @param context the application, whose listeners are told of the sessions ended
     */
    public PrincipalSessions(SessionRequests shared, ServletContext context) {
        this.shared = shared;
        this.context = context;
    }

    /**
     * The instance of an application whose sessions the session filter keeps.
     *
     * @throws IllegalStateException when the application has no session filter (it runs on the container's own
     *                               sessions)
     */
    public static PrincipalSessions of(ServletContext context) {
        if (context.getAttribute(CONTEXT_ATTRIBUTE) instanceof PrincipalSessions sessions) {
            return sessions;
        }
        throw new IllegalStateException("This application's sessions are not kept by the session filter, which "
                + "indexes them by principal");
    }

    /**
     * The principal's live sessions, oldest first.
     *
     * @param principal the principal's name
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when Redis cannot be reached
     * @throws UnsupportedOperationException when the application's store keeps no index of principals
     */
    public List<SessionInfo> find(String principal) {
        Objects.requireNonNull(principal, "principal");
        return records(principal).stream().map(record -> new SessionInfo(record, shared.codec())).toList();
    }

    /**
     * Ends one of the principal's sessions.
     *
     * @return whether it was one of the principal's live sessions (and so ended); an id of another principal's
     *         session ends nothing
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when Redis cannot be reached; the
     *                                                                        sessions not ended yet live on
     */
    public boolean invalidate(String principal, String id) {
        Objects.requireNonNull(id, "id");
        return end(principal, id::equals) == 1;
    }

    /**
     * Ends every session of the principal but {@code keptId} ("log out my other sessions").
     *
     * @param keptId the session that lives on, usually the calling request's; null to keep none
     * @return the sessions ended
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException as {@link #invalidate}
     */
    public int invalidateAllExcept(String principal, String keptId) {
        return end(principal, id -> !id.equals(keptId));
    }

    /**
     * Ends every session of the principal ("log out everywhere"; for an operator, a user locked out).
     *
     * @return the sessions ended
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException as {@link #invalidate}
     */
    public int invalidateAll(String principal) {
        return end(principal, id -> true);
    }

    /**
     * Ends the sessions chosen, each told to the application only when this delete ended it (not a logout, an expiry
     * claim or another node's call that came first), so each ending is told once.
     */
    private int end(String principal, Predicate<String> which) {
        int ended = 0;
        for (SessionRecord record : records(principal)) {
            if (which.test(record.id())
                    && shared.store().write(new SessionChange.Delete(record.id())) instanceof WriteResult.Deleted) {
                SessionExpiry.tellDestroyed(shared, context, record, System.currentTimeMillis());
                ended++;
            }
        }
        return ended;
    }

    private List<SessionRecord> records(String principal) {
        Objects.requireNonNull(principal, "principal");
        return shared.store().sessionsOf(principal);
    }
}
