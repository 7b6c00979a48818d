package io.sessionstore.session.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's session listeners, and the one place that calls them and the values'
 * {@link HttpSessionBindingListener}s (Servlet 6.1, sections 11.2 and 7.4): {@code HttpSessionListener} told of a
 * session created and, in reverse order of declaration, of a session about to be destroyed;
 * {@code HttpSessionAttributeListener} of attributes added, replaced (the event carries the old value) and removed;
 * {@code HttpSessionIdListener} of a changed id. A listener that throws is logged and the request goes on, as
 * Tomcat's own sessions do. Immutable and thread-safe; listeners are called on the thread that caused the event.
 */
public final class SessionListeners {

    /** No listeners: only the values' binding listeners are called. */
    public static final SessionListeners NONE = new SessionListeners(List.of());

    private static final Logger log = LoggerFactory.getLogger(SessionListeners.class);

    private final List<HttpSessionListener> sessionListeners = new ArrayList<>();
    private final List<HttpSessionAttributeListener> attributeListeners = new ArrayList<>();
    private final List<HttpSessionIdListener> idListeners = new ArrayList<>();

    /**
     * @param listeners the application's listeners in declaration order, of any type: those of a session listener
     *                  type are kept, each for every type it implements
     */
    public SessionListeners(Collection<?> listeners) {
        for (Object listener : listeners) {
            if (listener instanceof HttpSessionListener l) {
                sessionListeners.add(l);
            }
            if (listener instanceof HttpSessionAttributeListener l) {
                attributeListeners.add(l);
            }
            if (listener instanceof HttpSessionIdListener l) {
                idListeners.add(l);
            }
        }
    }

    /**
     * The listeners the container made for the application ({@code web.xml}, {@code @WebListener},
     * {@code ServletContext.addListener}). Call it once they exist: from a filter's {@code init}.
     *
     * @return {@link #NONE} on a container whose listeners cannot be found (only Tomcat's can), which is logged
     */
    public static SessionListeners of(ServletContext context) {
        Optional<List<Object>> found = ContainerListeners.of(context);
        if (found.isEmpty()) {
            log.warn("The session listeners of {} cannot be found on this container ({}): they will not be called",
                    context.getContextPath().isEmpty() ? "/" : context.getContextPath(), context.getServerInfo());
            return NONE;
        }
        return new SessionListeners(found.get());
    }

    void created(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(sessionListeners, l -> l.sessionCreated(event), "sessionCreated");
    }

    /** Before the session is invalidated: the listeners can still read its attributes. */
    void destroyed(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        for (int i = sessionListeners.size() - 1; i >= 0; i--) {
            HttpSessionListener listener = sessionListeners.get(i);
            call(() -> listener.sessionDestroyed(event), listener, "sessionDestroyed");
        }
    }

    void idChanged(HttpSession session, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(idListeners, l -> l.sessionIdChanged(event, oldId), "sessionIdChanged");
    }

    /** Called before the value is visible in the session. */
    void bound(HttpSession session, String name, HttpSessionBindingListener value) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
        call(() -> value.valueBound(event), value, "valueBound");
    }

    /**
     * An attribute set: {@code old} unbound (when it is another object), then the attribute listeners told.
     *
     * @param old the value replaced, or null when the attribute is new
     */
    void set(HttpSession session, String name, Object value, Object old) {
        if (old == null) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(attributeListeners, l -> l.attributeAdded(event), "attributeAdded");
            return;
        }
        if (old != value && old instanceof HttpSessionBindingListener unbound) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
            call(() -> unbound.valueUnbound(event), unbound, "valueUnbound");
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
        each(attributeListeners, l -> l.attributeReplaced(event), "attributeReplaced");
    }

    /** An attribute removed (also by invalidation or expiry): unbound, then the attribute listeners told. */
    void removed(HttpSession session, String name, Object old) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
        if (old instanceof HttpSessionBindingListener unbound) {
            call(() -> unbound.valueUnbound(event), unbound, "valueUnbound");
        }
        each(attributeListeners, l -> l.attributeRemoved(event), "attributeRemoved");
    }

    private static <L> void each(List<L> listeners, Consumer<L> call, String method) {
        for (L listener : listeners) {
            call(() -> call.accept(listener), listener, method);
        }
    }

    private static void call(Runnable call, Object listener, String method) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            log.error("Session listener {}.{} failed; the request goes on", listener.getClass().getName(), method, e);
        }
    }
}
