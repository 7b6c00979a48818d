package io.sessionstore.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request as the application sees it: {@code getSession} and friends work on the distributed session.
 * The session is loaded on the first call that needs it, at most once per request, and never for a request that
 * does not ask for it.
 */
final class SessionRequest extends HttpServletRequestWrapper {

    private static final Logger log = LoggerFactory.getLogger(SessionRequest.class);

    private final HttpServletResponse response;
    private final SessionSupport support;
    private final String requestedId;
    private final long requestedVersion;

    private boolean requestedIdResolved;
    private DistributedSession session;
    /** A session invalidated in this request and replaced by a new one: deleted with the new one's first save. */
    private String replacedId;
    /** The session id the client holds, as far as this request knows. */
    private String clientId;
    /** The session version the client was told of, or -1. */
    private long clientVersion;
    /** The version of the session as this request last loaded or wrote it, or -1. */
    private long knownVersion = -1;

    SessionRequest(HttpServletRequest request, HttpServletResponse response, SessionSupport support) {
        super(request);
        this.response = response;
        this.support = support;
        this.requestedId = support.cookie().readId(request);
        this.clientId = requestedId;
        this.requestedVersion = requestedId == null ? -1 : support.cookie().readVersion(request);
        this.clientVersion = requestedVersion;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public synchronized HttpSession getSession(boolean create) {
        if (session != null && session.isValid()) {
            return session;
        }
        if (session != null) {
            if (!create) {
                return null;
            }
            SessionWrite delete = session.changes();
            if (delete != null) {
                // A replacement that was never stored has nothing to delete: keep the stored session it replaced.
                replacedId = delete.deleteId();
            }
            session = null;
        }
        if (!requestedIdResolved) {
            requestedIdResolved = true;
            session = load(requestedId);
            if (session != null) {
                return session;
            }
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("Cannot create a session after the response has been committed");
        }
        session = DistributedSession.created(getServletContext(), support.codec(), support.ids().next(),
                System.currentTimeMillis(), support.timeoutSeconds());
        return session;
    }

    @Override
    public synchronized String changeSessionId() {
        HttpSession current = getSession(false);
        if (current == null) {
            throw new IllegalStateException("changeSessionId: the request has no session");
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("changeSessionId: the response has been committed, so the new id "
                    + "could not reach the client");
        }
        String newId = support.ids().next();
        session.changeId(newId);
        return newId;
    }

    @Override
    public String getRequestedSessionId() {
        return requestedId;
    }

    @Override
    public synchronized boolean isRequestedSessionIdValid() {
        HttpSession current = requestedId == null ? null : getSession(false);
        return current != null && requestedId.equals(current.getId());
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return requestedId != null;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    /**
     * Writes what this request changed, and the cookies that go with it. Called before the response is
     * committed and again when the request ends; a call with nothing new to write costs nothing.
     */
    synchronized void commit() {
        SessionWrite write = session == null ? null : session.changes();
        if (replacedId != null) {
            write = write == null ? SessionWrite.deleteOnly(replacedId) : withDelete(write, replacedId);
            replacedId = null;
        }
        boolean applied = true;
        if (write != null) {
            knownVersion = support.repository().write(write);
            applied = knownVersion > 0 || write.id() == null;
            if (!applied) {
                log.debug("Session was invalidated elsewhere before this request saved it; its changes were dropped");
            }
        } else if (session == null) {
            return;
        }
        if (response.isCommitted()) {
            return;
        }
        if (session != null && session.isValid() && applied) {
            if (session.idDiffersFrom(clientId)) {
                support.cookie().write(this, response, session.getId());
                clientId = session.getId();
            }
            if (knownVersion > 0 && knownVersion != clientVersion) {
                // Also after a read of a newer version than the client knew: its reads never go back in time.
                support.cookie().writeVersion(this, response, knownVersion);
                clientVersion = knownVersion;
            }
        } else if (clientId != null) {
            support.cookie().clear(this, response);
            clientId = null;
            clientVersion = -1;
        }
    }

    /** The response was reset, cookies included: the client knows only what it sent. */
    synchronized void responseReset() {
        clientId = requestedId;
        clientVersion = requestedVersion;
    }

    private DistributedSession load(String id) {
        if (id == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        try {
            SessionRecord record = support.repository().loadAndTouch(id, clientVersion, now);
            if (record == null) {
                return null;
            }
            DistributedSession loaded = DistributedSession.loaded(getServletContext(), support.codec(), record, now);
            knownVersion = record.version();
            return loaded;
        } catch (UnreadableSessionException e) {
            log.warn("Session {}... cannot be read and was deleted; the request goes on without it: {}",
                    id.substring(0, 4), e.getMessage());
            support.repository().write(SessionWrite.deleteOnly(id));
            return null;
        }
    }

    private static SessionWrite withDelete(SessionWrite write, String deleteId) {
        return new SessionWrite(deleteId, false, write.id(), write.full(), write.creationTime(),
                write.lastAccessedTime(), write.maxInactiveSeconds(), write.timeoutChanged(), write.set(),
                write.removed());
    }
}
