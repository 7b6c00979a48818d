package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.session.store.SessionRecord;
import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class HttpSessionAdapterTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final long NOW = 3_000_000L;

    private final ServletContext context = mock(ServletContext.class);
    /** Allows this test's {@link Listener}. */
    private final AttributeCodec codec = new AttributeCodec(Listener.class.getName(), getClass().getClassLoader(), SizeLimits.DEFAULT);

    /** Every session, attribute and id event, in order, as "method:detail", from two listeners. */
    private final List<String> events = new ArrayList<>();
    private final SessionRequests shared = new SessionRequests(new InMemorySessionStore(), codec,
            SessionTracking.of(new SessionCookie("SESSION", "Lax"), Set.of(SessionTrackingMode.COOKIE)), new SessionListeners(List.of(new Recorder("first"),
                    new Recorder("second"))), 1800, 503);

    /** Records the events it gets in {@link #events}; the first one also fails on every attributeAdded. */
    private final class Recorder implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
        private final String name;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void sessionCreated(HttpSessionEvent event) {
            events.add(name + ".created:" + event.getSession().getId());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            // About to be invalidated: the attributes can still be read.
            events.add(name + ".destroyed:" + Collections.list(event.getSession().getAttributeNames()));
        }

        @Override
        public void attributeAdded(HttpSessionBindingEvent event) {
            events.add(name + ".added:" + event.getName() + "=" + event.getValue());
            if (name.equals("first")) {
                throw new IllegalStateException("a listener that fails");
            }
        }

        @Override
        public void attributeReplaced(HttpSessionBindingEvent event) {
            events.add(name + ".replaced:" + event.getName() + "=" + event.getValue()
                    + " now " + event.getSession().getAttribute(event.getName()));
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent event) {
            events.add(name + ".removed:" + event.getName() + "=" + event.getValue());
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
            events.add(name + ".idChanged:" + oldSessionId);
        }
    }

    @Test
    void attributeListeners_addReplaceRemove_eachToldOnceWithTheOldValueOnReplace() {
        HttpSession session = loaded(Map.of());
        session.setAttribute("cart", "1 book");
        session.setAttribute("cart", "2 books");
        session.removeAttribute("cart");
        session.removeAttribute("cart");
        assertEquals(List.of("first.added:cart=1 book", "second.added:cart=1 book",
                "first.replaced:cart=1 book now 2 books", "second.replaced:cart=1 book now 2 books",
                "first.removed:cart=2 books", "second.removed:cart=2 books"), events);
        assertNull(session.getAttribute("cart"));
    }

    @Test
    void setAttribute_listenerThrows_valueSetAndOtherListenersTold() {
        HttpSession session = loaded(Map.of());
        session.setAttribute("a", "1");
        assertEquals("1", session.getAttribute("a"));
        assertEquals(List.of("first.added:a=1", "second.added:a=1"), events);
    }

    @Test
    void invalidate_sessionListenersInReverseOrderWhileReadable_thenEachAttributeRemoved() {
        HttpSession session = loaded(Map.of("a", "1"));
        session.invalidate();
        assertEquals(List.of("second.destroyed:[a]", "first.destroyed:[a]", "first.removed:a=1",
                "second.removed:a=1"), events);
    }

    /** Records its binding events as "bound:name" / "unbound:name", and what the session held at the time. */
    static final class Listener implements HttpSessionBindingListener, Serializable {
        final transient List<String> events = new ArrayList<>();
        final transient List<HttpSessionBindingEvent> received = new ArrayList<>();
        transient Object valueAtEvent;

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            events.add("bound:" + event.getName());
            received.add(event);
            valueAtEvent = event.getSession().getAttribute(event.getName());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            events.add("unbound:" + event.getName());
            received.add(event);
        }
    }

    @Test
    void bindingListener_setReplaceRemoveInvalidate_boundAndUnboundOnceEach() {
        HttpSession session = loaded(Map.of());
        Listener first = new Listener();
        Listener second = new Listener();
        Listener third = new Listener();

        session.setAttribute("x", first);
        session.setAttribute("x", first);
        session.setAttribute("x", second);
        session.removeAttribute("x");
        session.setAttribute("y", third);
        session.invalidate();

        assertEquals(List.of("bound:x", "unbound:x"), first.events);
        assertEquals(List.of("bound:x", "unbound:x"), second.events);
        assertEquals(List.of("bound:y", "unbound:y"), third.events);
    }

    @Test
    void setAttribute_sameValueAgain_noEvents() {
        HttpSession session = loaded(Map.of());
        Listener listener = new Listener();
        session.setAttribute("x", listener);

        session.setAttribute("x", listener);

        assertEquals(List.of("bound:x"), listener.events);
    }

    @Test
    void setAttribute_listener_eventNamesSessionNameAndValueBeforeItIsVisible() {
        HttpSession session = loaded(Map.of());
        Listener listener = new Listener();

        session.setAttribute("x", listener);

        HttpSessionBindingEvent event = listener.received.get(0);
        assertSame(session, event.getSession());
        assertEquals("x", event.getName());
        assertSame(listener, event.getValue());
        assertNull(listener.valueAtEvent, "valueBound comes before the value is visible, as in Tomcat's sessions");
        assertSame(listener, session.getAttribute("x"));
    }

    @Test
    void setAttribute_replacingAListener_oldUnboundNewBound() {
        HttpSession session = loaded(Map.of());
        Listener old = new Listener();
        session.setAttribute("x", old);

        session.setAttribute("x", "plain");

        assertEquals(List.of("bound:x", "unbound:x"), old.events);
        assertSame(old, old.received.get(1).getValue());
        assertEquals("plain", session.getAttribute("x"));
    }

    @Test
    void setAttribute_nullValue_removesItAndUnbinds() {
        HttpSession session = loaded(Map.of("a", "1"));
        Listener listener = new Listener();
        session.setAttribute("x", listener);

        session.setAttribute("a", null);
        session.setAttribute("x", null);

        assertNull(session.getAttribute("a"));
        assertNull(session.getAttribute("x"));
        assertEquals(Set.of(), names(session));
        assertEquals(List.of("bound:x", "unbound:x"), listener.events);
    }

    @Test
    void setAttribute_nullName_illegalArgument() {
        HttpSession session = loaded(Map.of());
        assertThrows(IllegalArgumentException.class, () -> session.setAttribute(null, "v"));
        assertThrows(IllegalArgumentException.class, () -> session.setAttribute(null, null), "as Tomcat's own sessions");
        assertEquals(Set.of(), names(session));
    }

    @Test
    void setAttribute_notStorable_illegalArgumentAndNoEvent() {
        HttpSession session = loaded(Map.of("a", "1"));
        NotSerializableListener listener = new NotSerializableListener();

        assertThrows(IllegalArgumentException.class, () -> session.setAttribute("a", listener));

        assertEquals("1", session.getAttribute("a"));
        assertFalse(listener.bound, "a value that is not stored is not bound");
    }

    @Test
    void removeAttribute_absent_nothing() {
        HttpSession session = loaded(Map.of("a", "1"));
        session.removeAttribute("absent");
        assertEquals(Set.of("a"), names(session));
    }

    @Test
    void invalidate_thenSpecMethods_illegalState() {
        HttpSession session = loaded(Map.of("a", "1"));
        session.invalidate();
        Map<String, Consumer<HttpSession>> calls = new LinkedHashMap<>();
        calls.put("getCreationTime", HttpSession::getCreationTime);
        calls.put("getLastAccessedTime", HttpSession::getLastAccessedTime);
        calls.put("getAttributeNames", HttpSession::getAttributeNames);
        calls.put("isNew", HttpSession::isNew);
        calls.put("invalidate", HttpSession::invalidate);
        calls.put("getAttribute", s -> s.getAttribute("a"));
        calls.put("setAttribute", s -> s.setAttribute("a", "2"));
        calls.put("setAttribute(null)", s -> s.setAttribute("a", null));
        calls.put("removeAttribute", s -> s.removeAttribute("a"));
        calls.forEach((method, call) -> assertThrows(IllegalStateException.class, () -> call.accept(session), method));
    }

    @Test
    void invalidate_thenGetIdAndServletContext_stillAnswer() {
        HttpSession session = loaded(Map.of("a", "1"));
        session.invalidate();
        assertEquals(ID, session.getId());
        assertSame(context, session.getServletContext());
    }

    @Test
    void accessors_created_newWithItsTimesAndTimeout() {
        HttpSession session = new HttpSessionAdapter(SessionState.created(codec, ID, NOW, 1800), context, shared, () -> { });
        assertTrue(session.isNew());
        assertEquals(ID, session.getId());
        assertEquals(NOW, session.getCreationTime());
        assertEquals(NOW, session.getLastAccessedTime());
        assertEquals(1800, session.getMaxInactiveInterval());
        assertSame(context, session.getServletContext());
    }

    @Test
    void accessors_loaded_notNewWithStoredValues() {
        HttpSession session = loaded(Map.of("email", "a@b.c", "count", 7));
        assertFalse(session.isNew());
        assertEquals(1_000_000L, session.getCreationTime());
        assertEquals(2_000_000L, session.getLastAccessedTime());
        assertEquals(600, session.getMaxInactiveInterval());
        assertEquals("a@b.c", session.getAttribute("email"));
        assertEquals(7, session.getAttribute("count"));
        assertEquals(Set.of("email", "count"), names(session));
    }

    @Test
    void setMaxInactiveInterval_any_readBack() {
        HttpSession session = loaded(Map.of());
        session.setMaxInactiveInterval(60);
        assertEquals(60, session.getMaxInactiveInterval());
    }

    /** A listener that cannot be stored: it must never be told it was bound. */
    private static final class NotSerializableListener implements HttpSessionBindingListener {
        boolean bound;

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            bound = true;
        }
    }

    private HttpSession loaded(Map<String, Object> attributes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        SessionState state = SessionState.loaded(codec,
                new SessionRecord(ID, 1_000_000L, 2_000_000L, 600, encoded, 1), NOW);
        return new HttpSessionAdapter(state, context, shared, () -> { });
    }

    private static Set<String> names(HttpSession session) {
        return new TreeSet<>(Collections.list(session.getAttributeNames()));
    }
}
