package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DistributedSessionTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String NEW_ID = "BBBBBBBBBBBBBBBBBBBBBB";
    private static final long CREATED = 1_000_000L;
    private static final long LAST_ACCESS = 2_000_000L;
    private static final long NOW = 3_000_000L;

    private final ServletContext context = mock(ServletContext.class);
    /** Allows this test's {@link Listener}; {@code AtomicInteger} (java.util.concurrent) stays refused. */
    private final AttributeCodec codec = new AttributeCodec(Listener.class.getName(), getClass().getClassLoader());

    /** Records binding events as "bound:name" / "unbound:name". */
    static final class Listener implements HttpSessionBindingListener, Serializable {
        final transient List<String> events = new ArrayList<>();

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            events.add("bound:" + event.getName());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            events.add("unbound:" + event.getName());
        }
    }

    @Test
    void created_new_isNewWithTimesAndTimeout() {
        DistributedSession session = DistributedSession.created(context, codec, ID, NOW, 1800);
        assertEquals(ID, session.getId());
        assertTrue(session.isNew());
        assertEquals(NOW, session.getCreationTime());
        assertEquals(NOW, session.getLastAccessedTime());
        assertEquals(1800, session.getMaxInactiveInterval());
        assertEquals(context, session.getServletContext());
    }

    @Test
    void setAttribute_valueThatWouldNotReadBack_illegalArgumentAndNothingChanged() {
        DistributedSession session = DistributedSession.created(context, codec, ID, NOW, 1800);
        java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger(1);
        assertThrows(IllegalArgumentException.class, () -> session.setAttribute("counter", counter));
        assertEquals(null, session.getAttribute("counter"));
    }

    @Test
    void loaded_record_notNewWithStoredTimesAndDecodedAttributes() {
        DistributedSession session = loaded(Map.of("email", "a@b.c", "count", 7));
        assertFalse(session.isNew());
        assertEquals(CREATED, session.getCreationTime());
        assertEquals(LAST_ACCESS, session.getLastAccessedTime());
        assertEquals(600, session.getMaxInactiveInterval());
        assertEquals("a@b.c", session.getAttribute("email"));
        assertEquals(7, session.getAttribute("count"));
        assertEquals(Set.of("email", "count"), names(session));
    }

    @Test
    void setAttribute_nullValue_removesIt() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.setAttribute("a", null);
        assertNull(session.getAttribute("a"));
        assertEquals(Set.of(), names(session));
    }

    @Test
    void setAttribute_notSerializable_failsAtOnceAndKeepsOldValue() {
        DistributedSession session = loaded(Map.of("a", "1"));
        assertThrows(IllegalArgumentException.class, () -> session.setAttribute("a", new Object()));
        assertEquals("1", session.getAttribute("a"));
        assertNull(session.changes());
    }

    @Test
    void setMaxInactiveInterval_changed_partialWriteWithNewTimeout() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.setMaxInactiveInterval(60);
        assertEquals(60, session.getMaxInactiveInterval());
        SessionWrite write = session.changes();
        assertFalse(write.full());
        assertEquals(60, write.maxInactiveSeconds());
        assertEquals(Map.of(), decoded(write));
        assertEquals(Set.of(), write.removed());
    }

    @Test
    void setMaxInactiveInterval_sameValue_nothingToWrite() {
        DistributedSession session = loaded(Map.of());
        session.setMaxInactiveInterval(600);
        assertNull(session.changes());
    }

    @Test
    void invalidate_thenSpecMethods_throwIllegalState() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.invalidate();
        List<Consumer<HttpSession>> calls = List.of(
                HttpSession::getCreationTime, HttpSession::getLastAccessedTime, HttpSession::getAttributeNames,
                HttpSession::isNew, HttpSession::invalidate, s -> s.getAttribute("a"),
                s -> s.setAttribute("a", "2"), s -> s.removeAttribute("a"));
        for (Consumer<HttpSession> call : calls) {
            assertThrows(IllegalStateException.class, () -> call.accept(session));
        }
        assertEquals(ID, session.getId());
    }

    @Test
    void bindingListener_setReplaceRemoveInvalidate_boundAndUnboundOnce() {
        DistributedSession session = loaded(Map.of());
        Listener first = new Listener();
        Listener second = new Listener();
        Listener third = new Listener();
        session.setAttribute("x", first);
        session.setAttribute("x", first);          // same value: no events
        session.setAttribute("x", second);         // replaces first
        session.removeAttribute("x");
        session.setAttribute("y", third);
        session.invalidate();
        assertEquals(List.of("bound:x", "unbound:x"), first.events);
        assertEquals(List.of("bound:x", "unbound:x"), second.events);
        assertEquals(List.of("bound:y", "unbound:y"), third.events);
    }

    @Test
    void changes_loadedAndUntouched_null() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.getAttribute("a");
        assertNull(session.changes());
    }

    @Test
    void changes_created_fullWriteOfEverythingWithoutDelete() {
        DistributedSession session = DistributedSession.created(context, codec, ID, NOW, 1800);
        session.setAttribute("a", "1");
        SessionWrite write = session.changes();
        assertTrue(write.full());
        assertEquals(ID, write.id());
        assertNull(write.deleteId());
        assertEquals(NOW, write.creationTime());
        assertEquals(NOW, write.lastAccessedTime());
        assertEquals(1800, write.maxInactiveSeconds());
        assertEquals(Map.of("a", "1"), decoded(write));
    }

    @Test
    void changes_setAndRemove_partialWriteOfOnlyThoseAttributes() {
        DistributedSession session = loaded(Map.of("keep", "k", "gone", "g", "edit", "e"));
        session.setAttribute("edit", "e2");
        session.setAttribute("added", 5L);
        session.removeAttribute("gone");
        SessionWrite write = session.changes();
        assertFalse(write.full());
        assertEquals(ID, write.id());
        assertNull(write.deleteId());
        assertEquals(NOW, write.lastAccessedTime());
        assertEquals(Map.of("edit", "e2", "added", 5L), decoded(write));
        assertEquals(Set.of("gone"), write.removed());
    }

    @Test
    void changes_setThenRemoveSameAttribute_onlyRemoved() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.setAttribute("a", "2");
        session.removeAttribute("a");
        SessionWrite write = session.changes();
        assertEquals(Map.of(), decoded(write));
        assertEquals(Set.of("a"), write.removed());
    }

    @Test
    void changes_secondCall_onlyLaterChanges() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.setAttribute("b", "2");
        assertEquals(Map.of("b", "2"), decoded(session.changes()));
        assertNull(session.changes());
        session.setAttribute("c", "3");
        SessionWrite later = session.changes();
        assertFalse(later.full());
        assertEquals(Map.of("c", "3"), decoded(later));
        assertEquals(Set.of(), later.removed());
    }

    @Test
    void changes_afterChangeId_fullWriteUnderNewIdDeletingOldId() {
        DistributedSession session = loaded(Map.of("a", "1", "b", "2"));
        session.changeId(NEW_ID);
        SessionWrite write = session.changes();
        assertTrue(write.full());
        assertEquals(NEW_ID, write.id());
        assertEquals(ID, write.deleteId());
        assertEquals(CREATED, write.creationTime());
        assertEquals(Map.of("a", "1", "b", "2"), decoded(write));
        assertNull(session.changes());
    }

    @Test
    void changes_createdThenChangeIdBeforeSave_fullWriteWithoutDelete() {
        DistributedSession session = DistributedSession.created(context, codec, ID, NOW, 1800);
        session.changeId(NEW_ID);
        SessionWrite write = session.changes();
        assertTrue(write.full());
        assertEquals(NEW_ID, write.id());
        assertNull(write.deleteId());
    }

    @Test
    void changes_invalidatedStoredSession_deleteOnlyOnce() {
        DistributedSession session = loaded(Map.of("a", "1"));
        session.invalidate();
        SessionWrite write = session.changes();
        assertEquals(ID, write.deleteId());
        assertNull(write.id());
        assertNull(session.changes());
    }

    @Test
    void changes_invalidatedNeverStoredSession_null() {
        DistributedSession session = DistributedSession.created(context, codec, ID, NOW, 1800);
        session.setAttribute("a", "1");
        session.invalidate();
        assertNull(session.changes());
    }

    private DistributedSession loaded(Map<String, Object> attributes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        return DistributedSession.loaded(context, codec,
                new SessionRecord(ID, CREATED, LAST_ACCESS, 600, encoded, 1), NOW);
    }

    private Map<String, Object> decoded(SessionWrite write) {
        Map<String, Object> values = new TreeMap<>();
        write.set().forEach((name, bytes) -> values.put(name, codec.decode(name, bytes)));
        return values;
    }

    private static Set<String> names(HttpSession session) {
        return new TreeSet<>(Collections.list(session.getAttributeNames()));
    }
}
