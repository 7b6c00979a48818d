package io.sessionstore.session.web;

import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.UnreadableSessionException;
import io.sessionstore.session.store.WriteResult;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session side of one request, shared by every {@link SessionRequest} that wraps it (the request itself, then
 * an error page or an async dispatch): the session is loaded on the first call that needs it, at most once per
 * request, and never for a request that does not ask for it. {@link #commit()} writes what the request changed and
 * the cookies that go with it. Thread-safe: async threads of the request may share it.
 */
final class RequestSession {

    private static final Logger log = LoggerFactory.getLogger(SessionRequest.class);

    private final HttpServletRequest request;
    private final ServletContext application;
    private final HttpServletResponse response;
    private final SessionResponse sessionResponse;
    private final SessionRequests shared;
    /**
     * The well-formed ids the client sent, in the order tried: its session cookies (several when stale cookies
     * linger), then the URL's {@code ;jsessionid=}; a cookie wins, as in Tomcat.
     */
    private final List<String> requestedIds;
    /** How many of {@link #requestedIds} came from cookies: they come first. */
    private final int cookieIdCount;
    /** The id the client sent: the one that named a live session once loaded, else the first. */
    private String requestedId;
    private final long requestedVersion;
    /** When the request came: the access it makes of its session (Servlet 6.1, section 7.6). */
    private final long accessTime = System.currentTimeMillis();
    private boolean accessRecorded;

    private boolean requestedIdResolved;
    /** The store answered that no id the client sent names a live session: its cookies are to be cleared. */
    private boolean requestedIdsGone;
    private SavingAsyncContext asyncContext;
    private HttpSessionAdapter session;
    /** A stored session this request invalidated and replaced by a new one: deleted with the new one's first save. */
    private SessionChange.Delete pendingDelete;
    /** The session id the client held in its cookie when the request came, or null. */
    private String clientId;
    /** The {@code Set-Cookie} values of the session this response carries: the decision of the last save. */
    private List<String> sentCookies = List.of();
    /** The version of the session as this request last loaded or wrote it, or -1. */
    private long knownVersion = -1;

    RequestSession(HttpServletRequest request, HttpServletResponse response, SessionRequests shared) {
        this.request = request;
        this.application = request.getServletContext();
        this.response = response;
        this.sessionResponse = new SessionResponse(response, this::commit, this::responseReset, this::encodeUrl);
        this.shared = shared;
        List<String> cookieIds = shared.tracking().cookieIds(request);
        this.cookieIdCount = cookieIds.size();
        String urlId = shared.tracking().urlId(request);
        this.requestedIds = urlId == null || cookieIds.contains(urlId) ? cookieIds
                : Stream.concat(cookieIds.stream(), Stream.of(urlId)).toList();
        this.requestedId = requestedIds.isEmpty() ? null : requestedIds.get(0);
        this.clientId = cookieIdCount > 0 ? requestedId : null;
        this.requestedVersion = cookieIdCount == 0 ? -1 : shared.tracking().version(request);
    }

    boolean madeBy(SessionRequests requests) {
        return shared == requests;
    }

    /** Whether {@code context} is the application this session handling belongs to. */
    boolean servesContext(ServletContext context) {
        return context == application;
    }

    /** Wraps the request's async context so that completing it saves first; the same wrapper every time. */
    synchronized AsyncContext asyncStarted(AsyncContext started) {
        if (asyncContext == null || asyncContext.delegate() != started) {
            asyncContext = new SavingAsyncContext(started, this);
        }
        return asyncContext;
    }

    /** The wrapper of {@link #asyncStarted} for the container's current async context. */
    synchronized AsyncContext asyncContext(AsyncContext current) {
        return current == null ? null : asyncStarted(current);
    }

    int failureStatus() {
        return shared.failureStatus();
    }

    /** {@link #commit()} when nothing can be answered any more: a failure is logged. */
    void commitQuietly() {
        try {
            commit();
        } catch (RuntimeException e) {
            log.warn("The session of a completed async request could not be saved: {}", e.toString());
        }
    }

    /** The response of the request: it saves the session before it can be committed. */
    HttpServletResponse response() {
        return sessionResponse;
    }

    /** A response of a later dispatch of the request, saving as {@link #response()} does. */
    HttpServletResponse response(HttpServletResponse dispatched) {
        return new SessionResponse(dispatched, this::commit, this::responseReset, this::encodeUrl);
    }

    synchronized HttpSession getSession(boolean create) {
        if (session != null && session.state().isValid()) {
            return session;
        }
        if (session != null) {
            if (!create) {
                return null;
            }
            // A replacement that was never stored has nothing to delete: keep the stored session it replaced.
            session.state().changes().ifPresent(delete -> pendingDelete = (SessionChange.Delete) delete);
            session = null;
        }
        if (!requestedIdResolved) {
            requestedIdResolved = true;
            // Each id in turn until one names a live session: a stale cookie first costs a round trip, not a logout.
            for (String id : requestedIds) {
                session = load(id);
                if (session != null) {
                    requestedId = id;
                    // An id from the URL only: the client holds no cookie of it yet, and is offered one.
                    clientId = requestedIdFromCookie() ? id : null;
                    return session;
                }
            }
            // Only now, when the store answered for each: a load that failed says nothing of the session.
            requestedIdsGone = !requestedIds.isEmpty();
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("Cannot create a session after the response has been committed");
        }
        session = adapt(SessionState.created(shared.codec(), shared.ids().next(), System.currentTimeMillis(),
                shared.timeoutSeconds()));
        shared.listeners().created(session);
        return session;
    }

    synchronized String changeSessionId() {
        if (getSession(false) == null) {
            throw new IllegalStateException("changeSessionId: the request has no session");
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("changeSessionId: the response has been committed, so the new id "
                    + "could not reach the client");
        }
        String oldId = session.getId();
        String newId = shared.ids().next();
        session.state().changeId(newId);
        shared.listeners().idChanged(session, oldId);
        return newId;
    }

    String requestedId() {
        return requestedId;
    }

    /** Whether the id the client sent came in a cookie; Tomcat's answer too when it came in both. */
    synchronized boolean requestedIdFromCookie() {
        return requestedId != null && requestedIds.indexOf(requestedId) < cookieIdCount;
    }

    /** Whether the id the client sent came only in the URL. */
    synchronized boolean requestedIdFromUrl() {
        return requestedId != null && !requestedIdFromCookie();
    }

    /**
     * {@code url} with the session id as its {@code ;jsessionid=} path parameter, when URL rewriting is on, the
     * request has a valid session and the client did not show that it holds the cookie (Servlet 6.1, section
     * 7.1.3; {@link HttpServletResponse#encodeURL}); else {@code url} as it is. May load the session.
     */
    synchronized String encodeUrl(String url) {
        if (url == null || !shared.tracking().rewritesUrls() || requestedIdFromCookie()) {
            return url;
        }
        HttpSession current = getSession(false);
        return current == null ? url : shared.tracking().encode(request, url, current.getId());
    }

    synchronized boolean isRequestedSessionIdValid() {
        HttpSession current = requestedId == null ? null : getSession(false);
        return current != null && requestedId.equals(current.getId());
    }

    /**
     * Writes what this request changed, and the cookies that go with it. Called before the response is committed
     * and again when the request ends; a call with nothing new to write costs nothing.
     *
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when the store does not answer
     */
    synchronized void commit() {
        if (!requestedIdResolved && !accessRecorded) {
            // Never asked for its session, yet an access of it: passed on without a load, in the background.
            accessRecorded = true;
            requestedIds.forEach(id -> shared.store().touch(id, accessTime));
        }
        Optional<SessionChange> change = pendingChange();
        if (change.isPresent()) {
            WriteResult result;
            try {
                result = shared.store().write(change.get());
            } catch (RuntimeException e) {
                if (change.get() instanceof SessionChange.Create || change.get() instanceof SessionChange.Replace) {
                    // Never stored: the session the listeners were told of ends here, unused by anyone else.
                    session.discard();
                }
                throw e;
            }
            if (result instanceof WriteResult.Written written) {
                knownVersion = written.version();
            } else if (result instanceof WriteResult.Gone) {
                // Invalidated elsewhere (or expired) before this request saved it: for this request it is gone too.
                session.state().gone();
                log.debug("Session was invalidated elsewhere before this request saved it; its changes were dropped");
            }
        }
        if (!response.isCommitted()) {
            List<String> decided = decideCookies();
            if (!decided.equals(sentCookies)) {
                SessionCookie.replace(response, sentCookies, decided);
                sentCookies = decided;
            }
        }
    }

    /**
     * The session cookies the response is to carry after this save, relative to what the client sent: a save
     * before the body and one at the end may decide differently (the session was saved again, or invalidated
     * elsewhere meanwhile), and the response carries the last decision only.
     */
    private List<String> decideCookies() {
        if (session != null && session.state().isValid()) {
            String id = session.getId();
            boolean newId = !id.equals(clientId);
            // Also after a read of a newer version than the client knew: its reads never go back in time.
            boolean newVersion = knownVersion > 0 && knownVersion != requestedVersion;
            return shared.tracking().cookies(request, newId ? id : null, newVersion ? knownVersion : -1);
        }
        // The client's session is gone (or ended here): clear its cookies, or every request pays a load for
        // nothing. Cookies this response already set are taken back the same way.
        boolean clientHoldsAnEndedId = clientId != null && (session != null || requestedIdsGone);
        return clientHoldsAnEndedId || !sentCookies.isEmpty()
                ? shared.tracking().clearingCookies(request) : List.of();
    }

    /** The session's change, with the deletion of a session it replaced in this request. */
    private Optional<SessionChange> pendingChange() {
        if (session != null) {
            session.willPassivate();
            if (session.state().isValid()) {
                session.state().principal(shared.principal(request, session.state()));
            }
        }
        Optional<SessionChange> change = session == null ? Optional.empty() : session.state().changes();
        SessionChange.Delete delete = pendingDelete;
        if (delete == null) {
            return change;
        }
        pendingDelete = null;
        if (change.isEmpty()) {
            return Optional.of(delete);
        }
        // A replacement is always new when the session it replaced is still to be deleted.
        SessionChange.Create create = (SessionChange.Create) change.get();
        return Optional.of(new SessionChange.Replace(delete.id(), create.session()));
    }

    /** The response was reset, cookies included: the next save sets them again. */
    private synchronized void responseReset() {
        sentCookies = List.of();
    }

    /**
     * The stored session of {@code id}, accessed at {@link #accessTime}: when the request came, not when it first
     * asked for its session (Servlet 6.1, section 7.6), so that its last-access time is the same however late the
     * application asks.
     */
    private HttpSessionAdapter load(String id) {
        try {
            Optional<SessionRecord> record = shared.store().loadAndTouch(id, requestedVersion, accessTime);
            if (record.isEmpty()) {
                return null;
            }
            HttpSessionAdapter loaded = adapt(SessionState.loaded(shared.codec(), record.get(), accessTime));
            loaded.didActivate();
            knownVersion = record.get().version();
            return loaded;
        } catch (UnreadableSessionException e) {
            log.warn("Session {}... cannot be read and was deleted; the request goes on without it: {}",
                    id.substring(0, 4), e.getMessage());
            shared.store().write(new SessionChange.Delete(id));
            return null;
        }
    }

    private HttpSessionAdapter adapt(SessionState state) {
        return new HttpSessionAdapter(state, application, shared, this::endContainerSession);
    }

    /**
     * The container's own session, if anything made one: container-managed login ({@code FORM}) keeps the
     * authenticated user there, out of the filter's reach. Invalidating the application's session is how an
     * application logs a user out, so the container's session ends with it.
     */
    private void endContainerSession() {
        HttpSession own = request.getSession(false);
        if (own != null) {
            try {
                own.invalidate();
            } catch (IllegalStateException alreadyInvalid) {
                // Ended meanwhile: nothing left to do.
            }
        }
    }
}
