package io.sessionstore.session.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.InMemorySessionStore;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The near cache over an in-memory store that counts the loads reaching it, fed by hand. Loads take the time as an
 * argument ({@code now}); writes and announcements date what they leave in the cache by the system clock, so
 * {@code now} here is the system time when the test starts.
 */
class CachingSessionStoreTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String NEW_ID = "BBBBBBBBBBBBBBBBBBBBBB";
    private static final String NOBODY = "ZZZZZZZZZZZZZZZZZZZZZZ";
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final Duration TINY_MAX_AGE = Duration.ofSeconds(1);
    /** Longer than any test: trust is tested on its own. */
    private static final Duration TRUST = Duration.ofMinutes(1);

    private final long now = System.currentTimeMillis();
    private final InMemorySessionStore memory = new InMemorySessionStore();
    private final CountingSessionStore counting = new CountingSessionStore(memory);
    private final TestInvalidationFeed feed = new TestInvalidationFeed();
    private final CachingSessionStore store = new CachingSessionStore(counting, feed, 100, 64L << 20, MAX_AGE, TRUST);

    // Loads before and after the feed's confirmation

    @Test
    void loadAndTouch_feedNotConfirmed_everyLoadReachesStore() {
        stored(ID);
        for (int i = 1; i <= 3; i++) {
            assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
            assertEquals(i, counting.loads());
        }
    }

    @Test
    void loadAndTouch_afterConfirmWithKnownVersion_secondLoadServedFromMemory() {
        stored(ID);
        confirmFeed();                                                // 1 load
        SessionRecord first = store.loadAndTouch(ID, 1, now).orElseThrow();
        assertEquals(2, counting.loads());
        SessionRecord second = store.loadAndTouch(ID, 1, now + 1).orElseThrow();
        assertEquals(2, counting.loads(), "served from memory");
        assertCopyOf(first, second);
        assertEquals(now, second.lastAccessedTime(), "the access before: the first load's");
        assertEquals(ID, second.id());
        assertEquals(1, second.version());
        assertEquals(Map.of("a", "1", "b", "2"), text(second.attributes()));
    }

    @Test
    void loadAndTouch_miss_passesIdAndTimeToTheStore() {
        stored(ID);
        store.loadAndTouch(ID, 1, now + 5);
        assertEquals(now + 5, memory.loadAndTouch(ID, -1, now + 6).orElseThrow().lastAccessedTime());
    }

    @Test
    void loadAndTouch_unknownId_emptyAndNothingCached() {
        confirmFeed();                                                // 1 load
        assertEquals(Optional.empty(), store.loadAndTouch(NOBODY, 1, now));
        assertEquals(Optional.empty(), store.loadAndTouch(NOBODY, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void loadAndTouch_clientWithoutVersion_alwaysReachesStore() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        assertEquals(1, store.loadAndTouch(ID, -1, now).orElseThrow().version());
        assertEquals(3, counting.loads());
        assertEquals(1, store.loadAndTouch(ID, -1, now).orElseThrow().version());
        assertEquals(4, counting.loads());
    }

    @Test
    void write_deleteWithoutAnAnswer_notServedFromTheCacheAnyMore() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);
        counting.failWrites();
        assertThrows(SessionStoreUnavailableException.class, () -> store.write(new SessionChange.Delete(ID)));

        int loads = counting.loads();
        store.loadAndTouch(ID, 1, now);
        assertEquals(loads + 1, counting.loads(), "the outcome is unknown: the store decides");
    }

    @Test
    void loadAndTouch_clientKnowsNewerVersionThanTheEntry_reachesStore() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        otherNodeUpdates(ID, "a", "other");                           // version 2, not announced yet
        SessionRecord loaded = store.loadAndTouch(ID, 2, now).orElseThrow();
        assertEquals(3, counting.loads());
        assertEquals(2, loaded.version());
        assertEquals("other", text(loaded.attributes()).get("a"));
        SessionRecord hit = store.loadAndTouch(ID, 2, now).orElseThrow();
        assertEquals(loaded.asCopy(), hit, "version 2 now held");
        assertTrue(hit.copy(), "served from the copy: its last access may lag other nodes'");
        assertEquals(3, counting.loads());
    }

    @Test
    void loadAndTouch_entryOlderThanMaxAge_reachesStore() {
        CachingSessionStore tiny = new CachingSessionStore(counting, feed, 100, 64L << 20, TINY_MAX_AGE, TRUST);
        stored(ID);
        tiny.loadAndTouch(NOBODY, -1, now);
        feed.confirm();                                               // 1 load
        SessionRecord first = tiny.loadAndTouch(ID, 1, now).orElseThrow();
        assertEquals(2, counting.loads());
        assertCopyOf(first, tiny.loadAndTouch(ID, 1, now + 999).orElseThrow());
        assertEquals(2, counting.loads(), "999 ms old: served from memory");
        assertEquals(1, tiny.loadAndTouch(ID, 1, now + 1_000).orElseThrow().version());
        assertEquals(3, counting.loads(), "1 s old: reaches the store");
        tiny.loadAndTouch(ID, 1, now + 1_999);
        assertEquals(3, counting.loads(), "the reload is held for another second");
    }

    @Test
    void loadAndTouch_sessionDeletedBehindTheCachesBack_theHitsTouchEndsTheEntry() {
        stored(ID);
        confirmFeed();                                                // 1 load
        store.loadAndTouch(ID, 1, now);                               // 2: cached
        memory.write(new SessionChange.Delete(ID));                   // an operator's DEL: nothing announced
        assertTrue(store.loadAndTouch(ID, 1, now + 1).isPresent(), "within the trust time: served from memory");
        assertEquals(2, counting.loads());
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now + 2), "that hit's touch found it gone");
        assertEquals(3, counting.loads());
    }

    @Test
    void loadAndTouch_unconfirmedForTheTrustTime_reachesStore() {
        CountingSessionStore quiet = CountingSessionStore.confirmingNothing(new InMemorySessionStore());
        CachingSessionStore trusting = new CachingSessionStore(quiet, feed, 100, 64L << 20, MAX_AGE,
                Duration.ofSeconds(1));
        quiet.write(new SessionChange.Create(snapshot(ID)));
        trusting.loadAndTouch(ID, 1, now);
        feed.confirm();
        trusting.loadAndTouch(ID, 1, now);                            // loaded: confirmed at now
        assertEquals(2, quiet.loads());
        trusting.loadAndTouch(ID, 1, now + 999);
        assertEquals(2, quiet.loads(), "confirmed 999 ms ago: served from memory");
        trusting.loadAndTouch(ID, 1, now + 1_000);
        assertEquals(3, quiet.loads(), "no confirmation for 1 s: loaded again");
    }

    @Test
    void write_create_entryAgedFromTheSystemClockAtTheWrite() {
        CachingSessionStore tiny = new CachingSessionStore(counting, feed, 100, 64L << 20, TINY_MAX_AGE, TRUST);
        tiny.loadAndTouch(NOBODY, -1, now);
        feed.confirm();                                               // 1 load
        long before = System.currentTimeMillis();
        tiny.write(new SessionChange.Create(snapshot(ID)));
        long after = System.currentTimeMillis();
        tiny.loadAndTouch(ID, 1, before);
        assertEquals(1, counting.loads(), "younger than 1 s at the time of the write");
        assertEquals(1, tiny.loadAndTouch(ID, 1, after + 1_000).orElseThrow().version());
        assertEquals(2, counting.loads(), "1 s after the write: reaches the store");
    }

    // The feed

    @Test
    void loadAndTouch_everyLookup_subscribesFirstWithTheSameListener() {
        stored(ID);
        store.loadAndTouch(ID, 1, now);
        feed.confirm();
        store.loadAndTouch(ID, 1, now);                               // a miss, then held
        store.loadAndTouch(ID, 1, now);                               // a hit
        assertEquals(2, counting.loads());
        assertEquals(3, feed.subscribeCount());
        assertSame(feed.subscribeCalls().get(0), feed.subscribeCalls().get(1));
        assertSame(feed.subscribeCalls().get(0), feed.subscribeCalls().get(2));
    }

    @Test
    void loadAndTouch_feedLostWhenSubscribing_lookupAfterTheLossReachesStore() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        feed.duringNextSubscribe(feed::lose);
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(3, counting.loads(), "the lookup comes after subscribe");
    }

    @Test
    void lose_forgetsEverythingAndServesNothingUntilConfirmedAgain() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        feed.lose();
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(3, counting.loads());
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(4, counting.loads(), "nothing kept while lost");
        feed.confirm();
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(5, counting.loads(), "nothing held from before the loss");
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(5, counting.loads(), "held again once confirmed");
    }

    @Test
    void announce_newerVersion_entryDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        otherNodeUpdates(ID, "a", "other");
        feed.announce(ID, 2);
        SessionRecord loaded = store.loadAndTouch(ID, 1, now).orElseThrow();
        assertEquals(3, counting.loads());
        assertEquals(2, loaded.version());
        assertEquals("other", text(loaded.attributes()).get("a"));
    }

    @Test
    void announce_delete_entryDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        memory.write(new SessionChange.Delete(ID));
        feed.announce(ID, 0);
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void announce_versionItHoldsOrOlder_entryKept() {
        stored(ID);
        confirmFeed();
        SessionRecord held = cached(ID, 1);                           // 2 loads
        feed.announce(ID, 1);
        assertCopyOf(held, store.loadAndTouch(ID, 1, now).orElseThrow());
        assertEquals(2, counting.loads());
    }

    @Test
    void announce_otherSession_entryKept() {
        stored(ID);
        confirmFeed();
        SessionRecord held = cached(ID, 1);                           // 2 loads
        feed.announce(NEW_ID, 7);
        feed.announce(NOBODY, 0);
        assertCopyOf(held, store.loadAndTouch(ID, 1, now).orElseThrow());
        assertEquals(2, counting.loads());
    }

    // Loads racing changes

    @Test
    void loadAndTouch_newerVersionAnnouncedWhileLoading_notKept() {
        stored(ID);
        confirmFeed();                                                // 1 load
        counting.duringNextLoad(() -> {
            otherNodeUpdates(ID, "a", "other");
            feed.announce(ID, 2);
        });
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version(), "read before the update");
        assertEquals(2, counting.loads());
        assertEquals(2, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(3, counting.loads(), "version 1 was not kept");
        assertEquals(2, store.loadAndTouch(ID, 2, now).orElseThrow().version());
        assertEquals(3, counting.loads(), "version 2 was kept");
    }

    @Test
    void loadAndTouch_deleteAnnouncedWhileLoading_notKept() {
        stored(ID);
        confirmFeed();                                                // 1 load
        counting.duringNextLoad(() -> {
            memory.write(new SessionChange.Delete(ID));
            feed.announce(ID, 0);
        });
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version(), "read before the delete");
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void loadAndTouch_ownDeleteWhileLoading_notKept() {
        stored(ID);
        confirmFeed();                                                // 1 load
        counting.duringNextLoad(() -> store.write(new SessionChange.Delete(ID)));
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version(), "read before the delete");
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void loadAndTouch_feedLostAndConfirmedWhileLoading_notKept() {
        stored(ID);
        confirmFeed();                                                // 1 load
        counting.duringNextLoad(() -> {
            feed.lose();
            feed.confirm();
        });
        store.loadAndTouch(ID, 1, now);
        assertEquals(2, counting.loads());
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version());
        assertEquals(3, counting.loads(), "a load that started before the loss was not kept");
    }

    // This node's own writes

    @Test
    void write_updateOfTheVersionHeld_entryMovesOnWithoutReload() {
        stored(ID);
        confirmFeed();
        SessionRecord before = cached(ID, 1);                         // 2 loads
        WriteResult result = store.write(new SessionChange.Update(ID, Map.of("a", bytes("9"), "c", bytes("3")),
                Set.of("b"), OptionalInt.of(60)));
        assertEquals(new WriteResult.Written(2), result);
        SessionRecord after = store.loadAndTouch(ID, 2, now).orElseThrow();
        assertEquals(2, counting.loads(), "served from memory");
        assertEquals(2, after.version());
        assertEquals(Map.of("a", "9", "c", "3"), text(after.attributes()));
        assertEquals(60, after.maxInactiveSeconds());
        assertEquals(before.creationTime(), after.creationTime());
        SessionRecord inStore = memory.loadAndTouch(ID, -1, now).orElseThrow();
        assertEquals(text(inStore.attributes()), text(after.attributes()), "the entry is what the store holds");
        assertEquals(inStore.maxInactiveSeconds(), after.maxInactiveSeconds());
    }

    @Test
    void write_updateWithoutTimeout_entryKeepsItsTimeout() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        store.write(new SessionChange.Update(ID, Map.of(), Set.of("a"), OptionalInt.empty()));
        SessionRecord after = store.loadAndTouch(ID, 2, now).orElseThrow();
        assertEquals(2, counting.loads(), "served from memory");
        assertEquals(Map.of("b", "2"), text(after.attributes()));
        assertEquals(1800, after.maxInactiveSeconds());
    }

    @Test
    void write_updateAfterAnotherNodesUnannouncedChange_entryDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        otherNodeUpdates(ID, "a", "other");                           // version 2
        WriteResult result = store.write(new SessionChange.Update(ID, Map.of("c", bytes("3")), Set.of(),
                OptionalInt.empty()));
        assertEquals(new WriteResult.Written(3), result);
        SessionRecord loaded = store.loadAndTouch(ID, 1, now).orElseThrow();
        assertEquals(3, counting.loads(), "version 1 is no longer served");
        assertEquals(3, loaded.version());
        assertEquals(Map.of("a", "other", "b", "2", "c", "3"), text(loaded.attributes()));
    }

    @Test
    void write_ownUpdateAnnouncedBeforeTheWriteReturns_entryMovesOnWithoutReload() {
        // The feed's promise: a change is announced at the latest before its write is acknowledged. Redis publishes
        // it from the script that makes it, so the announcement of this node's own write may come first.
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        counting.duringNextWrite(() -> feed.announce(ID, 2));
        WriteResult result = store.write(new SessionChange.Update(ID, Map.of("c", bytes("3")), Set.of(),
                OptionalInt.empty()));
        assertEquals(new WriteResult.Written(2), result);
        SessionRecord after = store.loadAndTouch(ID, 2, now).orElseThrow();
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"), text(after.attributes()));
        assertEquals(2, counting.loads(), "an update written as version 2 moves an entry of version 1 on, "
                + "whichever of the write's answer and its announcement comes first");
    }

    @Test
    void write_updateAnswersGone_tombstoneLeft() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        memory.write(new SessionChange.Delete(ID));                   // another node's delete, not announced yet
        WriteResult result = store.write(new SessionChange.Update(ID, Map.of("c", bytes("3")), Set.of(),
                OptionalInt.empty()));
        assertEquals(WriteResult.GONE, result);
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void write_updateAnswersGone_racingLoadOfTheOldVersionNotKept() {
        stored(ID);
        confirmFeed();                                                // 1 load
        counting.duringNextLoad(() -> {
            memory.write(new SessionChange.Delete(ID));
            assertEquals(WriteResult.GONE, store.write(new SessionChange.Update(ID, Map.of("c", bytes("3")),
                    Set.of(), OptionalInt.empty())));
        });
        assertEquals(1, store.loadAndTouch(ID, 1, now).orElseThrow().version(), "read before the delete");
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void write_failed_cacheAsItWas() {
        stored(ID);
        confirmFeed();
        SessionRecord held = cached(ID, 1);                           // 2 loads
        counting.failWrites();
        assertThrows(SessionStoreUnavailableException.class, () -> store.write(new SessionChange.Update(ID,
                Map.of("c", bytes("3")), Set.of(), OptionalInt.empty())));
        assertEquals(1, counting.writes());
        assertCopyOf(held, store.loadAndTouch(ID, 1, now).orElseThrow());
        assertEquals(2, counting.loads());
    }

    @Test
    void write_create_cachedAsWritten() {
        confirmFeed();                                                // 1 load
        SessionChange.Snapshot snapshot = snapshot(ID);
        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Create(snapshot)));
        SessionRecord cached = store.loadAndTouch(ID, 1, now).orElseThrow();
        assertEquals(1, counting.loads(), "served from memory");
        assertWritten(snapshot, cached);
    }

    @Test
    void write_createBeforeTheFeedConfirmed_notCached() {
        store.write(new SessionChange.Create(snapshot(ID)));
        store.loadAndTouch(ID, 1, now);
        assertEquals(1, counting.loads());
    }

    @Test
    void write_rename_newIdCachedAsWrittenOldIdDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        SessionChange.Snapshot renamed = snapshot(NEW_ID);
        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Rename(ID, renamed)));
        SessionRecord cached = store.loadAndTouch(NEW_ID, 1, now).orElseThrow();
        assertEquals(2, counting.loads(), "the new id served from memory");
        assertWritten(renamed, cached);
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads(), "the old id reaches the store");
    }

    @Test
    void write_renameOfAGoneSession_newIdNotCached() {
        confirmFeed();                                                // 1 load
        assertEquals(WriteResult.GONE, store.write(new SessionChange.Rename(ID, snapshot(NEW_ID))));
        assertEquals(Optional.empty(), store.loadAndTouch(NEW_ID, 1, now));
        assertEquals(2, counting.loads());
    }

    @Test
    void write_replace_newIdCachedAsWrittenOldIdDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        SessionChange.Snapshot replacement = snapshot(NEW_ID);
        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Replace(ID, replacement)));
        SessionRecord cached = store.loadAndTouch(NEW_ID, 1, now).orElseThrow();
        assertEquals(2, counting.loads(), "the new id served from memory");
        assertWritten(replacement, cached);
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads(), "the old id reaches the store");
    }

    @Test
    void write_delete_entryDropped() {
        stored(ID);
        confirmFeed();
        cached(ID, 1);                                                // 2 loads
        assertEquals(WriteResult.DELETED, store.write(new SessionChange.Delete(ID)));
        assertEquals(Optional.empty(), store.loadAndTouch(ID, 1, now));
        assertEquals(3, counting.loads());
    }

    @Test
    void write_any_reachesTheStoreOnce() {
        confirmFeed();
        store.write(new SessionChange.Create(snapshot(ID)));
        store.write(new SessionChange.Update(ID, Map.of("c", bytes("3")), Set.of(), OptionalInt.empty()));
        store.write(new SessionChange.Delete(ID));
        assertEquals(3, counting.writes());
    }

    @Test
    void close_closesFeedAndStore() {
        assertFalse(feed.isClosed());
        assertFalse(counting.isClosed());
        store.close();
        assertTrue(feed.isClosed());
        assertTrue(counting.isClosed());
    }

    /** Stores {@code id} as version 1, past the cache: attributes a=1 and b=2, a 30 minute timeout. */
    private void stored(String id) {
        assertEquals(new WriteResult.Written(1), memory.write(new SessionChange.Create(snapshot(id))));
    }

    /** A lookup of a session nobody holds (one load reaching the store) subscribes the feed, then it confirms. */
    private void confirmFeed() {
        assertEquals(Optional.empty(), store.loadAndTouch(NOBODY, -1, now));
        feed.confirm();
    }

    /** Loads {@code id} once through the cache (one load reaching the store) and checks that it is now held. */
    /**
     * The same cached copy of a session: same version, the very same attribute bytes. Its last access may differ: a
     * hit is an access, and returns the access before it.
     */
    private static void assertCopyOf(SessionRecord held, SessionRecord hit) {
        assertEquals(held.id(), hit.id());
        assertEquals(held.version(), hit.version());
        assertSame(held.attributes(), hit.attributes());
    }

    private SessionRecord cached(String id, long version) {
        int loads = counting.loads();
        SessionRecord loaded = store.loadAndTouch(id, version, now).orElseThrow();
        assertCopyOf(loaded, store.loadAndTouch(id, version, now).orElseThrow());
        assertEquals(loads + 1, counting.loads(), "held after one load");
        return loaded;
    }

    /** Another node's update, written past this node's cache and not announced (yet). */
    private void otherNodeUpdates(String id, String name, String value) {
        WriteResult result = memory.write(new SessionChange.Update(id, Map.of(name, bytes(value)), Set.of(),
                OptionalInt.empty()));
        assertTrue(result instanceof WriteResult.Written, "written: " + result);
    }

    private SessionChange.Snapshot snapshot(String id) {
        return new SessionChange.Snapshot(id, now - 60_000, now - 30_000, 1800, Map.of("a", bytes("1"), "b", bytes("2")));
    }

    private static void assertWritten(SessionChange.Snapshot written, SessionRecord cached) {
        assertEquals(written.id(), cached.id());
        assertEquals(written.creationTime(), cached.creationTime());
        assertEquals(written.lastAccessedTime(), cached.lastAccessedTime());
        assertEquals(written.maxInactiveSeconds(), cached.maxInactiveSeconds());
        assertEquals(text(written.attributes()), text(cached.attributes()));
        assertEquals(1, cached.version());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> text(Map<String, byte[]> attributes) {
        Map<String, String> text = new TreeMap<>();
        attributes.forEach((name, value) -> text.put(name, new String(value, StandardCharsets.UTF_8)));
        return text;
    }
}
