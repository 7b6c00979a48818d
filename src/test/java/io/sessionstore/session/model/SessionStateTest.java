package io.sessionstore.session.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.model.SessionState.Lifecycle;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.UnreadableSessionException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SessionStateTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String NEW_ID = "BBBBBBBBBBBBBBBBBBBBBB";
    private static final String NEWER_ID = "CCCCCCCCCCCCCCCCCCCCCC";
    private static final long CREATED = 1_000_000L;
    private static final long LAST_ACCESS = 2_000_000L;
    private static final long NOW = 3_000_000L;

    private final AttributeCodec codec = new AttributeCodec("", getClass().getClassLoader(), SizeLimits.DEFAULT);

    // --- Creation and loading ---

    @Test
    void created_any_newWithItsTimesAndTimeout() {
        SessionState session = created();
        assertEquals(Lifecycle.NEW, session.lifecycle());
        assertEquals(ID, session.id());
        assertTrue(session.isNew("isNew"));
        assertTrue(session.isValid());
        assertEquals(NOW, session.creationTime("getCreationTime"));
        assertEquals(NOW, session.lastAccessedTime("getLastAccessedTime"));
        assertEquals(1800, session.maxInactiveSeconds());
        assertEquals(List.of(), session.attributeNames("getAttributeNames"));
    }

    @Test
    void loaded_record_storedNotNewWithStoredTimesAndDecodedAttributes() {
        SessionState session = loaded(Map.of("email", "a@b.c", "count", 7));
        assertEquals(Lifecycle.STORED, session.lifecycle());
        assertFalse(session.isNew("isNew"));
        assertEquals(CREATED, session.creationTime("getCreationTime"));
        assertEquals(LAST_ACCESS, session.lastAccessedTime("getLastAccessedTime"));
        assertEquals(600, session.maxInactiveSeconds());
        assertEquals("a@b.c", session.attribute("getAttribute", "email"));
        assertEquals(7, session.attribute("getAttribute", "count"));
        assertEquals(Set.of("email", "count"), Set.copyOf(session.attributeNames("getAttributeNames")));
    }

    @Test
    void loaded_corruptAttribute_unreadableSession() {
        SessionRecord record = new SessionRecord(ID, CREATED, LAST_ACCESS, 600,
                Map.of("broken", "Xnot a tag".getBytes(StandardCharsets.UTF_8)), 1);
        assertThrows(UnreadableSessionException.class, () -> SessionState.loaded(codec, record, NOW));
    }

    // --- NEW ---

    @Test
    void changes_created_createWithEverythingThenStored() {
        SessionState session = created();
        session.setAttribute("setAttribute", "a", "1");

        SessionChange.Create create = assertInstanceOf(SessionChange.Create.class, session.changes().orElseThrow());

        SessionChange.Snapshot snapshot = create.session();
        assertEquals(ID, snapshot.id());
        assertEquals(NOW, snapshot.creationTime());
        assertEquals(NOW, snapshot.lastAccessedTime());
        assertEquals(1800, snapshot.maxInactiveSeconds());
        assertEquals(Map.of("a", "1"), decoded(snapshot.attributes()));
        assertEquals(Lifecycle.STORED, session.lifecycle());
        assertEquals(Optional.empty(), session.changes(), "nothing more to write");
    }

    @Test
    void changes_createdThenChangedAfterTheCreate_updateOfOnlyTheLaterChange() {
        SessionState session = created();
        session.setAttribute("setAttribute", "a", "1");
        session.changes();
        session.setAttribute("setAttribute", "b", "2");

        SessionChange.Update update = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(ID, update.id());
        assertEquals(Map.of("b", "2"), decoded(update.set()));
    }

    @Test
    void changes_changeIdOnNew_staysNewThenCreateUnderTheNewId() {
        SessionState session = created();
        session.changeId(NEW_ID);
        assertEquals(Lifecycle.NEW, session.lifecycle());
        assertEquals(NEW_ID, session.id());

        SessionChange.Create create = assertInstanceOf(SessionChange.Create.class, session.changes().orElseThrow());

        assertEquals(NEW_ID, create.session().id());
        assertEquals(Lifecycle.STORED, session.lifecycle());
    }

    @Test
    void changes_invalidateNew_endedAndNothingToWrite() {
        SessionState session = created();
        session.setAttribute("setAttribute", "a", "1");

        Map<String, Object> unbound = session.invalidate("invalidate");

        assertEquals(Map.of("a", "1"), unbound);
        assertEquals(Lifecycle.ENDED, session.lifecycle());
        assertFalse(session.isValid());
        assertEquals(Optional.empty(), session.changes());
    }

    // --- STORED ---

    @Test
    void changes_loadedAndUntouched_emptyAndStillStored() {
        SessionState session = loaded(Map.of("a", "1"));
        session.attribute("getAttribute", "a");
        assertEquals(Optional.empty(), session.changes());
        assertEquals(Lifecycle.STORED, session.lifecycle());
    }

    @Test
    void changes_setAndRemove_updateOfOnlyThoseAttributes() {
        SessionState session = loaded(Map.of("keep", "k", "gone", "g", "edit", "e"));
        session.setAttribute("setAttribute", "edit", "e2");
        session.setAttribute("setAttribute", "added", 5L);
        session.removeAttribute("removeAttribute", "gone");

        SessionChange.Update update = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(ID, update.id());
        assertEquals(Map.of("edit", "e2", "added", 5L), decoded(update.set()));
        assertEquals(Set.of("gone"), update.removed());
        assertEquals(OptionalInt.empty(), update.maxInactiveSeconds());
        assertEquals(Lifecycle.STORED, session.lifecycle());
    }

    @Test
    void changes_setThenRemoveSameAttribute_onlyRemoved() {
        SessionState session = loaded(Map.of("a", "1"));
        session.setAttribute("setAttribute", "a", "2");
        session.removeAttribute("removeAttribute", "a");

        SessionChange.Update update = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(Map.of(), update.set());
        assertEquals(Set.of("a"), update.removed());
    }

    @Test
    void changes_removeThenSetSameAttribute_onlySet() {
        SessionState session = loaded(Map.of("a", "1"));
        session.removeAttribute("removeAttribute", "a");
        session.setAttribute("setAttribute", "a", "2");

        SessionChange.Update update = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(Map.of("a", "2"), decoded(update.set()));
        assertEquals(Set.of(), update.removed());
    }

    @Test
    void changes_removeOfAnAbsentAttribute_empty() {
        SessionState session = loaded(Map.of("a", "1"));
        assertEquals(null, session.removeAttribute("removeAttribute", "absent"));
        assertEquals(Optional.empty(), session.changes());
    }

    @Test
    void changes_secondCall_onlyLaterChanges() {
        SessionState session = loaded(Map.of("a", "1"));
        session.setAttribute("setAttribute", "b", "2");
        SessionChange.Update first = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());
        assertEquals(Map.of("b", "2"), decoded(first.set()));
        assertEquals(Optional.empty(), session.changes());

        session.setAttribute("setAttribute", "c", "3");
        SessionChange.Update later = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(Map.of("c", "3"), decoded(later.set()));
        assertEquals(Set.of(), later.removed());
    }

    @Test
    void changes_timeoutChanged_updateWithOnlyTheNewTimeout() {
        SessionState session = loaded(Map.of("a", "1"));
        session.setMaxInactiveSeconds(60);
        assertEquals(60, session.maxInactiveSeconds());

        SessionChange.Update update = assertInstanceOf(SessionChange.Update.class, session.changes().orElseThrow());

        assertEquals(OptionalInt.of(60), update.maxInactiveSeconds());
        assertEquals(Map.of(), update.set());
        assertEquals(Set.of(), update.removed());
        assertEquals(Optional.empty(), session.changes(), "the timeout is written once");
    }

    @Test
    void changes_timeoutSetToItsValue_empty() {
        SessionState session = loaded(Map.of());
        session.setMaxInactiveSeconds(600);
        assertEquals(Optional.empty(), session.changes());
    }

    // --- RENAMED ---

    @Test
    void changes_changeIdOnStored_renamedThenRenameOfTheOldIdWithASnapshotThenStored() {
        SessionState session = loaded(Map.of("a", "1", "b", "2"));
        session.changeId(NEW_ID);
        assertEquals(Lifecycle.RENAMED, session.lifecycle());
        assertEquals(NEW_ID, session.id());

        SessionChange.Rename rename = assertInstanceOf(SessionChange.Rename.class, session.changes().orElseThrow());

        assertEquals(ID, rename.oldId());
        SessionChange.Snapshot snapshot = rename.session();
        assertEquals(NEW_ID, snapshot.id());
        assertEquals(CREATED, snapshot.creationTime());
        assertEquals(NOW, snapshot.lastAccessedTime());
        assertEquals(600, snapshot.maxInactiveSeconds());
        assertEquals(Map.of("a", "1", "b", "2"), decoded(snapshot.attributes()));
        assertEquals(Lifecycle.STORED, session.lifecycle());
        assertEquals(Optional.empty(), session.changes(), "nothing more to write");
    }

    @Test
    void changes_changeIdWithChangedAttributes_renameCarriesThem() {
        SessionState session = loaded(Map.of("a", "1", "gone", "g"));
        session.setAttribute("setAttribute", "a", "2");
        session.removeAttribute("removeAttribute", "gone");
        session.changeId(NEW_ID);

        SessionChange.Rename rename = assertInstanceOf(SessionChange.Rename.class, session.changes().orElseThrow());

        assertEquals(Map.of("a", "2"), decoded(rename.session().attributes()));
        assertEquals(Optional.empty(), session.changes(), "the changes went with the rename");
    }

    @Test
    void changes_changeIdTwiceOnStored_renameFromTheOriginalId() {
        SessionState session = loaded(Map.of("a", "1"));
        session.changeId(NEW_ID);
        session.changeId(NEWER_ID);

        SessionChange.Rename rename = assertInstanceOf(SessionChange.Rename.class, session.changes().orElseThrow());

        assertEquals(ID, rename.oldId());
        assertEquals(NEWER_ID, rename.session().id());
    }

    // --- INVALIDATED and ENDED ---

    @Test
    void changes_invalidateStored_invalidatedThenDeleteOnceThenEnded() {
        SessionState session = loaded(Map.of("a", "1"));

        Map<String, Object> unbound = session.invalidate("invalidate");

        assertEquals(Map.of("a", "1"), unbound);
        assertEquals(Lifecycle.INVALIDATED, session.lifecycle());
        assertFalse(session.isValid());
        assertEquals(Optional.of(new SessionChange.Delete(ID)), session.changes());
        assertEquals(Lifecycle.ENDED, session.lifecycle());
        assertEquals(Optional.empty(), session.changes(), "deleted once");
    }

    @Test
    void changes_invalidateRenamed_deleteOfTheOriginalId() {
        SessionState session = loaded(Map.of("a", "1"));
        session.changeId(NEW_ID);
        session.invalidate("invalidate");

        assertEquals(Lifecycle.INVALIDATED, session.lifecycle());
        assertEquals(Optional.of(new SessionChange.Delete(ID)), session.changes());
        assertEquals(Lifecycle.ENDED, session.lifecycle());
    }

    @Test
    void changes_invalidateAfterTheRenameWasWritten_deleteOfTheNewId() {
        SessionState session = loaded(Map.of("a", "1"));
        session.changeId(NEW_ID);
        session.changes();
        session.invalidate("invalidate");

        assertEquals(Optional.of(new SessionChange.Delete(NEW_ID)), session.changes());
    }

    @Test
    void changes_invalidateWithUnsavedChanges_onlyTheDelete() {
        SessionState session = loaded(Map.of("a", "1"));
        session.setAttribute("setAttribute", "b", "2");
        session.setMaxInactiveSeconds(60);
        session.invalidate("invalidate");

        assertEquals(Optional.of(new SessionChange.Delete(ID)), session.changes());
        assertEquals(Optional.empty(), session.changes());
    }

    @Test
    void accessors_afterInvalidate_illegalStateNamingTheMethod() {
        SessionState session = loaded(Map.of("a", "1"));
        session.invalidate("invalidate");
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("isNew", () -> session.isNew("isNew"));
        calls.put("getCreationTime", () -> session.creationTime("getCreationTime"));
        calls.put("getLastAccessedTime", () -> session.lastAccessedTime("getLastAccessedTime"));
        calls.put("getAttribute", () -> session.attribute("getAttribute", "a"));
        calls.put("getAttributeNames", () -> session.attributeNames("getAttributeNames"));
        calls.put("setAttribute", () -> session.setAttribute("setAttribute", "a", "2"));
        calls.put("removeAttribute", () -> session.removeAttribute("removeAttribute", "a"));
        calls.put("invalidate", () -> session.invalidate("invalidate"));
        calls.put("changeSessionId", () -> session.changeId(NEW_ID));
        calls.forEach((method, call) -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, call, method);
            assertTrue(e.getMessage().startsWith(method + ":"), "the message names " + method + ": " + e.getMessage());
        });
        assertEquals(ID, session.id(), "the id stays readable");
        assertEquals(Optional.of(new SessionChange.Delete(ID)), session.changes(), "nothing but the delete");
    }

    // --- Values that cannot be stored ---

    @Test
    void setAttribute_valueThatWouldNotReadBack_illegalArgumentAndNothingChanged() {
        SessionState session = loaded(Map.of("a", "1"));
        AtomicInteger counter = new AtomicInteger(1);

        assertThrows(IllegalArgumentException.class, () -> session.setAttribute("setAttribute", "counter", counter));

        assertEquals(null, session.attribute("getAttribute", "counter"));
        assertEquals(List.of("a"), session.attributeNames("getAttributeNames"));
        assertEquals(Optional.empty(), session.changes());
    }

    @Test
    void setAttribute_notSerializable_illegalArgumentAndOldValueKept() {
        SessionState session = loaded(Map.of("a", "1"));

        assertThrows(IllegalArgumentException.class, () -> session.setAttribute("setAttribute", "a", new Object()));

        assertEquals("1", session.attribute("getAttribute", "a"));
        assertEquals(Optional.empty(), session.changes());
    }

    @Test
    void setAttribute_sessionWouldPassItsLimit_refusedNamingTheSettingAndNothingChanged() {
        String megabyte = "x".repeat(1_000_000);
        SessionState session = loaded(Map.of("a", megabyte, "b", megabyte, "c", megabyte, "d", megabyte));
        session.setAttribute("setAttribute", "a", "y".repeat(1_000_000)); // replaces, so the size stays

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.setAttribute("setAttribute", "e", "x".repeat(300_000)));

        assertEquals("Session attribute 'e' would bring its session to 4300005 bytes, over the limit of 4194304 "
                + "bytes per session; store less in the session, or raise the limit with SESSION_MAX_BYTES",
                e.getMessage());
        assertNull(session.attribute("getAttribute", "e"));
        session.removeAttribute("removeAttribute", "b");
        session.setAttribute("setAttribute", "e", "x".repeat(300_000)); // room made by the removal
        assertEquals(Set.of("a", "e"), ((SessionChange.Update) session.changes().orElseThrow()).set().keySet());
    }

    private SessionState created() {
        return SessionState.created(codec, ID, NOW, 1800);
    }

    private SessionState loaded(Map<String, Object> attributes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        return SessionState.loaded(codec, new SessionRecord(ID, CREATED, LAST_ACCESS, 600, encoded, 1), NOW);
    }

    @Test
    void changes_mutableValueChangedInPlace_updateOfThatAttribute() {
        SessionState session = loaded(Map.of("cart", new java.util.ArrayList<>(List.of("apple")), "email", "a@b.c"));
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) session.attribute("getAttribute", "cart");
        session.attribute("getAttribute", "email");
        cart.add("pear");

        SessionChange.Update update = (SessionChange.Update) session.changes().orElseThrow();

        assertEquals(Set.of("cart"), update.set().keySet());
        assertEquals(List.of("apple", "pear"), codec.decode("cart", update.set().get("cart")));
        assertTrue(session.changes().isEmpty(), "saved: nothing more until it changes again");
        cart.add("plum");
        assertEquals(Set.of("cart"), ((SessionChange.Update) session.changes().orElseThrow()).set().keySet());
    }

    @Test
    void changes_mutableValueReadButUnchanged_nothing() {
        SessionState session = loaded(Map.of("cart", new java.util.ArrayList<>(List.of("apple"))));
        session.attribute("getAttribute", "cart");
        assertTrue(session.changes().isEmpty());
    }

    @Test
    void changes_newSessionValueChangedAfterItsCreate_update() {
        SessionState session = SessionState.created(codec, ID, NOW, 1800);
        List<String> cart = new java.util.ArrayList<>(List.of("apple"));
        session.setAttribute("setAttribute", "cart", cart);
        assertTrue(session.changes().orElseThrow() instanceof SessionChange.Create);
        cart.add("pear");
        SessionChange.Update update = (SessionChange.Update) session.changes().orElseThrow();
        assertEquals(List.of("apple", "pear"), codec.decode("cart", update.set().get("cart")));
    }

    private Map<String, Object> decoded(Map<String, byte[]> encoded) {
        Map<String, Object> values = new TreeMap<>();
        encoded.forEach((name, bytes) -> values.put(name, codec.decode(name, bytes)));
        return values;
    }
}
