package io.sessionstore.session.web;

import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@link HttpSession} an application sees, over one {@link SessionState}. Adds what the Servlet specification
 * asks of the API: {@code IllegalStateException} after {@code invalidate()} (the {@code HttpSession} Javadoc of
 * Servlet 6.1), {@code setAttribute(name, null)} as a removal, and
 * {@link HttpSessionBindingListener} callbacks, made outside the state's lock. Thread-safe.
 */
final class HttpSessionAdapter implements HttpSession {

    private final SessionState state;
    private final ServletContext servletContext;
    private final SessionRequests shared;
    private final Runnable afterInvalidate;

    /** @param afterInvalidate run once the application invalidated the session */
    HttpSessionAdapter(SessionState state, ServletContext servletContext, SessionRequests shared,
                       Runnable afterInvalidate) {
        this.state = state;
        this.servletContext = servletContext;
        this.shared = shared;
        this.afterInvalidate = afterInvalidate;
    }

    SessionState state() {
        return state;
    }

    /**
     * {@link HttpSessionActivationListener}s among the values are told that the session was read from the store
     * (Servlet 6.1, section 7.7.2: a distributable container calls them when a session migrates).
     */
    void didActivate() {
        for (HttpSessionActivationListener listener : state.valuesOf(HttpSessionActivationListener.class)) {
            listener.sessionDidActivate(new HttpSessionEvent(this));
        }
    }

    /** {@link HttpSessionActivationListener}s among the values are told that the session is about to be saved. */
    void willPassivate() {
        for (HttpSessionActivationListener listener : state.valuesOf(HttpSessionActivationListener.class)) {
            listener.sessionWillPassivate(new HttpSessionEvent(this));
        }
    }

    @Override
    public long getCreationTime() {
        return state.creationTime("getCreationTime");
    }

    @Override
    public String getId() {
        return state.id();
    }

    /**
     * The previous request's time. For a session served from a near cache, the store is asked once per request
     * (one round trip, paid only by applications that call this), since other nodes may have served it meanwhile;
     * when the store cannot answer, the copy's time.
     */
    @Override
    public long getLastAccessedTime() {
        long known = state.lastAccessedTime("getLastAccessedTime");
        if (!state.lastAccessMayLag()) {
            return known;
        }
        try {
            state.lastAccessFromStore(shared.store().lastAccessedTime(state.id()));
        } catch (SessionStoreUnavailableException e) {
            state.lastAccessFromStore(OptionalLong.empty());
        }
        return state.lastAccessedTime("getLastAccessedTime");
    }

    @Override
    public ServletContext getServletContext() {
        return servletContext;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        state.setMaxInactiveSeconds(interval);
    }

    @Override
    public int getMaxInactiveInterval() {
        return state.maxInactiveSeconds();
    }

    @Override
    public Object getAttribute(String name) {
        return state.attribute("getAttribute", name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(state.attributeNames("getAttributeNames"));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("Session attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (value instanceof HttpSessionBindingListener listener && state.peek("setAttribute", name) != value) {
            // Bound before the value is visible, as Tomcat's sessions do; a value that cannot be stored never is.
            state.requireStorable(name, value);
            shared.listeners().bound(this, name, listener);
        }
        Object old = state.setAttribute("setAttribute", name, value);
        shared.listeners().set(this, name, value, old);
    }

    @Override
    public void removeAttribute(String name) {
        Object old = state.removeAttribute("removeAttribute", name);
        if (old != null) {
            shared.listeners().removed(this, name, old);
        }
    }

    /**
     * Tells the session listeners first, while the attributes can still be read, then ends the session and removes
     * each attribute (unbound, attribute listeners told), in the order of Tomcat's own sessions.
     */
    @Override
    public void invalidate() {
        if (!state.isValid()) {
            throw new IllegalStateException("invalidate: the session has been invalidated");
        }
        shared.listeners().destroyed(this);
        Map<String, Object> removed = state.invalidate("invalidate");
        removed.forEach((name, value) -> shared.listeners().removed(this, name, value));
        afterInvalidate.run();
    }

    /**
     * Ends a new session whose first save failed: the listeners hear it destroyed, as on {@link #invalidate()}, so
     * that every created has its destroyed; nothing else changes (the container's own session stays).
     */
    void discard() {
        if (state.isValid()) {
            shared.listeners().destroyed(this);
            state.endUnstored().forEach((name, value) -> shared.listeners().removed(this, name, value));
        }
    }

    /**
     * Servlet 6.1. Never called on a Servlet 6.0 container (Tomcat 10.1), whose applications cannot call it.
     *
     * @throws IllegalStateException once the session is invalidated
     */
    @Override
    public Accessor getAccessor() {
        if (!state.isValid()) {
            throw new IllegalStateException("getAccessor: the session has been invalidated");
        }
        return (Accessor) newAccessor();
    }

    /**
     * Typed {@code Object} on purpose: verifying a method that returns a {@link SessionAccessor} as an
     * {@code Accessor} loads {@code HttpSession.Accessor}, which a Servlet 6.0 container does not have, and this
     * class would fail to load there. A cast is resolved only when it runs.
     */
    private Object newAccessor() {
        return new SessionAccessor(shared, servletContext, state.id());
    }

    @Override
    public boolean isNew() {
        return state.isNew("isNew");
    }
}
