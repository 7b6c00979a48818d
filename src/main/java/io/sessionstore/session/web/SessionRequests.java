package io.sessionstore.session.web;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.SessionStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What every request of one web application shares (the store, the codec, how clients hold their id, the listeners and
 * the session timeout), and where each request's session handling starts. Immutable and thread-safe.
 */
public final class SessionRequests {

    /**
     * The request attribute that holds the request's session handling, for its later dispatches: one per
     * application, as a cross-context dispatch shares the request's attributes with another application.
     */
    private final String requestAttribute =
            RequestSession.class.getName() + "@" + Integer.toHexString(System.identityHashCode(this));

    private final SessionStore store;
    private final AttributeCodec codec;
    private final SessionTracking tracking;
    private final SessionIds ids = new SessionIds();
    private final SessionListeners listeners;
    private final int timeoutSeconds;
    private final int failureStatus;
    private final String principalAttribute;

    /**
     * Sessions whose principal is the container's authenticated user ({@code getRemoteUser()}).
     *
     * @param timeoutSeconds the max inactive interval of new sessions; zero or less: they never time out
     * @param failureStatus  the status of a response whose session could not be saved
     */
    public SessionRequests(SessionStore store, AttributeCodec codec, SessionTracking tracking, SessionListeners listeners,
                           int timeoutSeconds, int failureStatus) {
        this(store, codec, tracking, listeners, timeoutSeconds, failureStatus, "");
    }

    /**
     * @param timeoutSeconds     the max inactive interval of new sessions; zero or less: they never time out
     * @param failureStatus      the status of a response whose session could not be saved
     * @param principalAttribute the attribute whose {@code String} value names a session's principal; empty for the
     *                           container's authenticated user ({@code getRemoteUser()})
     */
    public SessionRequests(SessionStore store, AttributeCodec codec, SessionTracking tracking, SessionListeners listeners,
                           int timeoutSeconds, int failureStatus, String principalAttribute) {
        this.principalAttribute = principalAttribute;
        this.store = store;
        this.codec = codec;
        this.tracking = tracking;
        this.listeners = listeners;
        this.timeoutSeconds = timeoutSeconds;
        this.failureStatus = failureStatus;
    }

    /**
     * Wraps one request and its response for the application: a request seen for the first time gets its session
     * handling; a later dispatch of it ({@code ERROR}, {@code ASYNC}), which passes the container's request again,
     * goes on with the session it already loaded. Reads the session id the client sent; touches the store only when the application
     * asks for its session.
     */
    public SessionRequest wrap(HttpServletRequest request, HttpServletResponse response) {
        if (request.getAttribute(requestAttribute) instanceof RequestSession earlier && earlier.madeBy(this)) {
            return new SessionRequest(request, earlier, earlier.response(response));
        }
        RequestSession session = new RequestSession(request, response, this);
        request.setAttribute(requestAttribute, session);
        return new SessionRequest(request, session, session.response());
    }

    /**
     * Whether {@code request} is this application's own wrapper, so that a dispatch within the application needs
     * no second one; another application's wrapper, reached by a cross-context dispatch, is not.
     */
    public boolean owns(HttpServletRequest request) {
        return request instanceof SessionRequest wrapper && wrapper.requestSession().madeBy(this);
    }

    SessionStore store() {
        return store;
    }

    /**
     * The principal of a request's valid session as the request ends, by which the store indexes the session: the
     * principal attribute's value when it is a {@code String}, or the container's authenticated user when no
     * attribute is set; null for none.
     */
    String principal(HttpServletRequest request, SessionState state) {
        if (principalAttribute.isEmpty()) {
            return request.getRemoteUser();
        }
        return state.peek("principal", principalAttribute) instanceof String name ? name : null;
    }

    AttributeCodec codec() {
        return codec;
    }

    SessionTracking tracking() {
        return tracking;
    }

    SessionListeners listeners() {
        return listeners;
    }

    SessionIds ids() {
        return ids;
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    int failureStatus() {
        return failureStatus;
    }
}
