package io.sessionstore.session.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The request as the application sees it: {@code getSession} and friends work on the stored session, through the
 * request's one {@link RequestSession}. An error page or an async dispatch of the request gets a wrapper of its own
 * (it wraps the container's dispatch request, whose paths differ) over the same session. Thread-safe.
 */
public final class SessionRequest extends HttpServletRequestWrapper {

    private final RequestSession session;
    private final HttpServletResponse response;

    SessionRequest(HttpServletRequest request, RequestSession session, HttpServletResponse response) {
        super(request);
        this.session = session;
        this.response = response;
    }

    /** The response to hand the application with this request: it saves the session before it can be committed. */
    public HttpServletResponse response() {
        return response;
    }

    /**
     * Writes what the request changed, and the cookies that go with it. Called before the response is committed
     * and again when the request ends; a call with nothing new to write costs nothing.
     *
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when the store does not answer
     */
    public void commit() {
        session.commit();
    }

    RequestSession requestSession() {
        return session;
    }

    /** The async code gets this request and its response, so it sees and changes the same session. */
    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return session.asyncStarted(super.startAsync(request, response));
    }

    @Override
    public AsyncContext getAsyncContext() {
        return session.asyncContext(super.getAsyncContext());
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    /**
     * The request's session; in another application, reached by a cross-context dispatch that no session filter of
     * its own wraps, that application's session from the container (Servlet 6.1, section 7.3: sessions are never
     * shared between applications).
     */
    @Override
    public HttpSession getSession(boolean create) {
        return inOwnApplication() ? session.getSession(create) : super.getSession(create);
    }

    @Override
    public String changeSessionId() {
        return inOwnApplication() ? session.changeSessionId() : super.changeSessionId();
    }

    /** The container answers another application's context during a cross-context dispatch. */
    private boolean inOwnApplication() {
        return session.servesContext(getServletContext());
    }

    @Override
    public String getRequestedSessionId() {
        return session.requestedId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return session.isRequestedSessionIdValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return session.requestedIdFromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return session.requestedIdFromUrl();
    }
}
