package io.sessionstore.session.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checks in the constructors of {@link SessionChange}, {@link WriteResult} and {@link SessionRecord}. */
class SessionChangeTest {

    private static final byte[] VALUE = "S1".getBytes(StandardCharsets.UTF_8);

    @Test
    void update_changesNothing_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SessionChange.Update("id", Map.of(), Set.of(), OptionalInt.empty()));
        assertEquals("An update must change something", e.getMessage());
    }

    @Test
    void update_onlyTimeoutOrOnlyRemoval_accepted() {
        assertEquals(OptionalInt.of(0),
                new SessionChange.Update("id", Map.of(), Set.of(), OptionalInt.of(0)).maxInactiveSeconds());
        assertEquals(Set.of("a"), new SessionChange.Update("id", Map.of(), Set.of("a"), OptionalInt.empty()).removed());
    }

    @Test
    void update_attributeBothSetAndRemoved_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SessionChange.Update("id", Map.of("a", VALUE, "b", VALUE), Set.of("b"), OptionalInt.empty()));
        assertEquals("An attribute cannot be both set and removed", e.getMessage());
    }

    @Test
    void update_nullIdOrTimeout_refused() {
        assertThrows(NullPointerException.class,
                () -> new SessionChange.Update(null, Map.of("a", VALUE), Set.of(), OptionalInt.empty()));
        assertThrows(NullPointerException.class,
                () -> new SessionChange.Update("id", Map.of("a", VALUE), Set.of(), null));
    }

    @Test
    void update_mapAndSetChangedAfterwards_changeKeepsItsCopies() {
        Map<String, byte[]> set = new HashMap<>(Map.of("a", VALUE));
        Set<String> removed = new HashSet<>(Set.of("b"));
        SessionChange.Update update = new SessionChange.Update("id", set, removed, OptionalInt.empty());

        set.put("c", VALUE);
        removed.add("d");

        assertEquals(Set.of("a"), update.set().keySet());
        assertEquals(Set.of("b"), update.removed());
        assertThrows(UnsupportedOperationException.class, () -> update.set().put("e", VALUE));
        assertThrows(UnsupportedOperationException.class, () -> update.removed().add("e"));
    }

    @Test
    void rename_toTheSameId_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SessionChange.Rename("same", snapshot("same")));
        assertEquals("A rename needs a new id", e.getMessage());
    }

    @Test
    void replace_withTheSameId_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SessionChange.Replace("same", snapshot("same")));
        assertEquals("A replacement needs a new id", e.getMessage());
    }

    @Test
    void renameAndReplace_differentIds_accepted() {
        assertEquals("old", new SessionChange.Rename("old", snapshot("new")).oldId());
        assertEquals("old", new SessionChange.Replace("old", snapshot("new")).deletedId());
    }

    @Test
    void changes_nullIdOrSession_refused() {
        assertThrows(NullPointerException.class, () -> new SessionChange.Delete(null));
        assertThrows(NullPointerException.class, () -> new SessionChange.Create(null));
        assertThrows(NullPointerException.class, () -> new SessionChange.Rename(null, snapshot("new")));
        assertThrows(NullPointerException.class, () -> new SessionChange.Rename("old", null));
        assertThrows(NullPointerException.class, () -> new SessionChange.Replace(null, snapshot("new")));
        assertThrows(NullPointerException.class, () -> new SessionChange.Replace("old", null));
        assertThrows(NullPointerException.class, () -> snapshot(null));
    }

    @Test
    void written_versionBelowOne_refused() {
        assertEquals("Versions start at 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new WriteResult.Written(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WriteResult.Written(-1));
        assertThrows(IllegalArgumentException.class, () -> new WriteResult.Written(Long.MIN_VALUE));
        assertEquals(1, new WriteResult.Written(1).version());
    }

    @Test
    void snapshot_stored_recordWithTheSnapshotsFieldsAndTheVersion() {
        SessionChange.Snapshot snapshot = new SessionChange.Snapshot("id", 10, 20, 30, Map.of("a", VALUE));

        SessionRecord record = snapshot.stored(7);

        assertEquals("id", record.id());
        assertEquals(10, record.creationTime());
        assertEquals(20, record.lastAccessedTime());
        assertEquals(30, record.maxInactiveSeconds());
        assertArrayEquals(VALUE, record.attributes().get("a"));
        assertEquals(7, record.version());
    }

    @Test
    void snapshotAndRecord_attributesChangedAfterwards_keepTheirCopies() {
        Map<String, byte[]> attributes = new HashMap<>(Map.of("a", VALUE));
        SessionChange.Snapshot snapshot = new SessionChange.Snapshot("id", 1, 2, 3, attributes);
        SessionRecord record = new SessionRecord("id", 1, 2, 3, attributes, 1);

        attributes.put("b", VALUE);

        assertEquals(Set.of("a"), snapshot.attributes().keySet());
        assertEquals(Set.of("a"), record.attributes().keySet());
        assertThrows(UnsupportedOperationException.class, () -> snapshot.attributes().put("c", VALUE));
        assertThrows(UnsupportedOperationException.class, () -> record.attributes().put("c", VALUE));
    }

    @Test
    void resultConstants_equalFreshInstances() {
        assertEquals(new WriteResult.Deleted(), WriteResult.DELETED);
        assertEquals(new WriteResult.Gone(), WriteResult.GONE);
        assertTrue(WriteResult.GONE instanceof WriteResult.Gone);
    }

    private static SessionChange.Snapshot snapshot(String id) {
        return new SessionChange.Snapshot(id, 1, 2, 60, Map.of("a", VALUE));
    }
}
