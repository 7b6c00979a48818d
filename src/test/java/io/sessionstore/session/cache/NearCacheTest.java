package io.sessionstore.session.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearCacheTest {

    private static final long NOW = 1_000_000;
    private static final long MAX_AGE = 10_000;
    private static final long TRUST = 1_000;
    /** How long after its last use an entry is listed for a version lookup. */
    private static final long WINDOW = 2_000;

    private final NearCache cache = new NearCache(100, 64L << 20, MAX_AGE, MAX_AGE, WINDOW);

    @Test
    void isOn_newCache_false() {
        assertFalse(cache.isOn());
        assertEquals(MAX_AGE, cache.maxAgeMillis());
    }

    @Test
    void isOn_subscribedThenUnsubscribed_followsTheFeed() {
        cache.subscribed();
        assertTrue(cache.isOn());
        cache.unsubscribed();
        assertFalse(cache.isOn());
    }

    @Test
    void generation_subscribedOrUnsubscribed_moves() {
        long before = cache.generation();
        cache.subscribed();
        long afterSubscribed = cache.generation();
        cache.unsubscribed();
        long afterUnsubscribed = cache.generation();
        assertNotEquals(before, afterSubscribed);
        assertNotEquals(afterSubscribed, afterUnsubscribed);
    }

    @Test
    void generation_putGetAndAnnouncements_unchanged() {
        cache.subscribed();
        long generation = cache.generation();
        cache.put(record("s1", 1), generation, NOW);
        cache.get("s1", 1, NOW, NOW);
        cache.announced("s1", 2, NOW);
        cache.wrote("s1", 3, old -> old, NOW);
        assertEquals(generation, cache.generation());
    }

    @Test
    void get_notSubscribed_nothing() {
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW, NOW));
    }

    @Test
    void get_unknownId_nothing() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s2", 1, NOW, NOW));
    }

    @Test
    void get_putWhileSubscribed_recordForClientsThatKnowThatVersionOrLess() {
        cache.subscribed();
        SessionRecord record = record("s1", 3);
        cache.put(record, cache.generation(), NOW);
        assertSame(record, cache.get("s1", 3, NOW + 1, NOW + 1));
        assertSame(record, cache.get("s1", 0, NOW + 1, NOW + 1));
        assertNull(cache.get("s1", 4, NOW + 1, NOW + 1), "a client told of a newer version reads from the store");
        assertNull(cache.get("s1", -1, NOW + 1, NOW + 1), "a client without a version cookie reads from the store");
    }

    @Test
    void get_youngerThanMaxAge_record() {
        cache.subscribed();
        SessionRecord record = record("s1", 1);
        cache.put(record, cache.generation(), NOW);
        assertSame(record, cache.get("s1", 1, NOW + MAX_AGE - 1, NOW + MAX_AGE - 1));
    }

    @Test
    void get_olderThanMaxAge_nothing() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW + MAX_AGE, NOW + MAX_AGE));
    }

    @Test
    void announced_newerVersionOrDelete_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.put(record("s2", 1), cache.generation(), NOW);
        cache.announced("s1", 2, NOW);
        cache.announced("s2", 0, NOW);
        assertNull(cache.get("s1", 1, NOW, NOW));
        assertNull(cache.get("s2", 1, NOW, NOW));
    }

    @Test
    void announced_versionItHoldsOrOlder_entryKept() {
        cache.subscribed();
        SessionRecord record = record("s1", 2);
        cache.put(record, cache.generation(), NOW);
        cache.announced("s1", 2, NOW); // its own write coming back
        cache.announced("s1", 1, NOW); // a late message
        assertSame(record, cache.get("s1", 2, NOW, NOW));
    }

    @Test
    void put_loadOlderThanAnAnnouncement_notKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.announced("s1", 5, NOW);      // a write announced while this node was loading version 4
        cache.put(record("s1", 4), generation, NOW);
        assertNull(cache.get("s1", 0, NOW, NOW));
        cache.announced("s2", 0, NOW);      // deleted while loading
        cache.put(record("s2", 9), generation, NOW);
        assertNull(cache.get("s2", 0, NOW, NOW));
    }

    @Test
    void put_loadOfTheAnnouncedVersion_kept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.announced("s1", 5, NOW);
        SessionRecord record = record("s1", 5);
        cache.put(record, generation, NOW);
        assertSame(record, cache.get("s1", 5, NOW, NOW));
    }

    @Test
    void put_tombstoneOlderThanMaxAge_loadKept() {
        cache.subscribed();
        cache.announced("s1", 0, NOW);
        SessionRecord record = record("s1", 1);
        cache.put(record, cache.generation(), NOW + MAX_AGE);
        assertSame(record, cache.get("s1", 1, NOW + MAX_AGE, NOW + MAX_AGE));
    }

    @Test
    void put_loadStartedBeforeTheFeedWasLost_notKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.unsubscribed();
        cache.subscribed();
        cache.put(record("s1", 1), generation, NOW);
        assertNull(cache.get("s1", 1, NOW, NOW));
    }

    @Test
    void put_loadStartedBeforeASecondConfirmation_notKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.subscribed(); // confirmed again: announcements may have been missed in between
        cache.put(record("s1", 1), generation, NOW);
        assertNull(cache.get("s1", 1, NOW, NOW));
    }

    @Test
    void unsubscribed_everythingDroppedAndNothingServedUntilSubscribedAgain() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.unsubscribed();
        assertNull(cache.get("s1", 1, NOW, NOW));
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW, NOW), "not kept while unsubscribed");
        cache.subscribed();
        assertNull(cache.get("s1", 1, NOW, NOW), "nothing held from before the subscription");
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertEquals(1, cache.get("s1", 1, NOW, NOW).version());
    }

    @Test
    void subscribed_again_everythingDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.subscribed();
        assertNull(cache.get("s1", 1, NOW, NOW));
    }

    @Test
    void wrote_nextVersionOfTheEntry_entryMovesOnWithTheChange() {
        cache.subscribed();
        SessionRecord old = record("s1", 1);
        cache.put(old, cache.generation(), NOW);
        SessionRecord changed = record("s1", 2);
        SessionRecord[] appliedTo = new SessionRecord[1];
        cache.wrote("s1", 2, record -> {
            appliedTo[0] = record;
            return changed;
        }, NOW);
        assertSame(old, appliedTo[0], "the change is applied to the entry it follows");
        assertSame(changed, cache.get("s1", 2, NOW, NOW));
    }

    @Test
    void wrote_nextVersion_entryAgedFromTheWrite() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        SessionRecord changed = record("s1", 2);
        cache.wrote("s1", 2, old -> changed, NOW + MAX_AGE - 1);
        assertSame(changed, cache.get("s1", 2, NOW + MAX_AGE, NOW + MAX_AGE), "younger than the maximum age since the write");
        assertNull(cache.get("s1", 2, NOW + 2 * MAX_AGE - 1, NOW + 2 * MAX_AGE - 1));
    }

    @Test
    void wrote_notTheNextVersion_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.wrote("s1", 3, old -> record("s1", 3), NOW); // another node wrote version 2 meanwhile
        assertNull(cache.get("s1", 0, NOW, NOW));
    }

    @Test
    void wrote_entryOlderThanMaxAge_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.wrote("s1", 2, old -> record("s1", 2), NOW + MAX_AGE);
        assertNull(cache.get("s1", 0, NOW + MAX_AGE, NOW + MAX_AGE));
    }

    @Test
    void wrote_noEntry_racingLoadOfAnOlderVersionNotKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.wrote("s1", 2, old -> record("s1", 2), NOW);
        cache.put(record("s1", 1), generation, NOW); // a load that read version 1 before the write
        assertNull(cache.get("s1", 0, NOW, NOW));
    }

    @Test
    void put_moreThanMaxEntries_stillBounded() {
        NearCache small = new NearCache(10, 64L << 20, MAX_AGE, MAX_AGE, WINDOW);
        small.subscribed();
        for (int i = 0; i < 25; i++) {
            small.put(record("s" + i, 1), small.generation(), NOW);
        }
        long held = 0;
        for (int i = 0; i < 25; i++) {
            held += small.get("s" + i, 1, NOW, NOW) == null ? 0 : 1;
        }
        assertTrue(held <= 10, "held " + held + " of at most 10");
    }

    @Test
    void get_twiceAsManySessionsAsEntriesInUse_aboutHalfStillServedFromTheCache() {
        NearCache half = new NearCache(1_000, 64L << 20, MAX_AGE, MAX_AGE, WINDOW);
        half.subscribed();
        Random random = new Random(7);
        int hits = 0;
        int gets = 0;
        for (int i = 0; i < 60_000; i++) {
            String id = "s" + random.nextInt(2_000);
            long generation = half.generation();
            if (half.get(id, 1, NOW, NOW) != null) {
                hits++;
            } else {
                half.put(record(id, 1), generation, NOW);
            }
            gets++;
        }
        double hitRate = (double) hits / gets;
        // Uniform use of twice as many sessions as fit: at best half of them hit. A cache that clears itself when
        // full hits next to never.
        assertTrue(hitRate > 0.35 && hitRate <= 0.55, "hit rate " + hitRate);
        assertTrue(half.size() <= 1_000, "held " + half.size());
    }

    @Test
    void put_sessionsLargerThanTheHeapBoundAllows_heldByTheirEstimatedHeapNotByTheirNumber() {
        NearCache byBytes = new NearCache(1_000, 1L << 20, MAX_AGE, MAX_AGE, WINDOW);
        byBytes.subscribed();
        byte[] tenKilobytes = new byte[10_000];
        for (int i = 0; i < 500; i++) {
            SessionRecord large = new SessionRecord("s" + i, NOW, NOW, 1800, Map.of("report", tenKilobytes), 1,
                    false, null);
            byBytes.put(large, byBytes.generation(), NOW);
        }
        assertTrue(byBytes.size() <= 105 && byBytes.size() >= 80, "held " + byBytes.size() + " of 10 KB each");
        assertTrue(byBytes.estimatedBytes() <= 1L << 20, "estimated " + byBytes.estimatedBytes());
    }

    @Test
    void estimatedBytes_oneEmail_theEntryPlusTheAttribute() {
        SessionRecord record = new SessionRecord("AAAAAAAAAAAAAAAAAAAAAA", NOW, NOW, 1800,
                Map.of("email", "Sa@b.example".getBytes(StandardCharsets.UTF_8)), 1, false, null);
        assertEquals(240 + 22 + 96 + 5 + 12, NearCache.estimatedBytes(record.id(), record));
        assertEquals(240 + 22, NearCache.estimatedBytes(record.id(), null), "a tombstone");
    }

    // Trust: how long an entry is used after the store last confirmed its version

    @Test
    void get_unconfirmedForTheTrustTime_missUntilConfirmedAgain() {
        NearCache trusting = subscribedWithTrust();
        SessionRecord record = record("s1", 1);
        trusting.put(record, trusting.generation(), NOW);
        assertSame(record, trusting.get("s1", 1, NOW + TRUST - 1, NOW + TRUST - 1));
        assertNull(trusting.get("s1", 1, NOW + TRUST, NOW + TRUST), "loaded a trust time ago and never confirmed since");
        trusting.confirmed("s1", 1, NOW + 600);
        assertSame(record, trusting.get("s1", 1, NOW + 600 + TRUST - 1, NOW + 600 + TRUST - 1), "a touch found the same version");
        trusting.confirmed("s1", 1, NOW + 100); // a touch sent earlier, answered late
        assertSame(record, trusting.get("s1", 1, NOW + 600 + TRUST - 1, NOW + 600 + TRUST - 1), "an older confirmation takes nothing back");
    }

    @Test
    void confirmed_newerVersionInTheStore_entryDroppedAndOlderLoadNotKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.put(record("s1", 1), generation, NOW);
        cache.confirmed("s1", 3, NOW + 1); // changed where no announcement came from
        assertNull(cache.get("s1", 0, NOW + 2, NOW + 2));
        cache.put(record("s1", 2), generation, NOW + 2);
        assertNull(cache.get("s1", 0, NOW + 3, NOW + 3), "a load older than what the touch found");
    }

    @Test
    void confirmed_goneFromTheStore_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.confirmed("s1", 0, NOW + 1); // deleted behind the application's back: DEL, FLUSHALL, eviction
        assertNull(cache.get("s1", 0, NOW + 2, NOW + 2));
    }

    @Test
    void confirmed_olderVersionThanHeld_entryKept() {
        cache.subscribed();
        SessionRecord second = record("s1", 2);
        cache.put(second, cache.generation(), NOW);
        cache.confirmed("s1", 1, NOW - 5); // a touch that reached the store before this node's write
        assertSame(second, cache.get("s1", 2, NOW + 1, NOW + 1));
    }

    @Test
    void inUse_usedWithinTheWindow_listedTombstonesAndIdleEntriesNot() {
        cache.subscribed();
        long generation = cache.generation();
        for (String id : List.of("used", "idle", "deleted", "newer")) {
            cache.put(record(id, 1), generation, NOW);
        }
        for (String id : List.of("used", "deleted", "newer")) {
            cache.touched(id, NOW + 5_000);
        }
        cache.announced("deleted", 0, NOW + 5_000);
        cache.announced("newer", 2, NOW + 5_000);
        assertEquals(List.of("used"), cache.inUse(NOW + 6_000, 100));
        assertEquals(List.of(), cache.inUse(NOW + 7_000, 100), "used 2 s ago");
    }

    @Test
    void inUse_moreThanTheMax_theMostRecentlyUsed() {
        cache.subscribed();
        for (String id : List.of("first", "second", "third")) {
            cache.put(record(id, 1), cache.generation(), NOW);
        }
        cache.touched("second", NOW + 3);
        cache.touched("first", NOW + 2);
        cache.touched("third", NOW + 1);
        assertEquals(List.of("second", "first"), cache.inUse(NOW + 4, 2));
    }

    @Test
    void get_askedLateInALongRequest_trustMeasuredWhenAsked() {
        NearCache trusting = subscribedWithTrust();
        trusting.put(record("s1", 1), trusting.generation(), NOW);
        assertNull(trusting.get("s1", 1, NOW + 1, NOW + TRUST), "the request came in time, the lookup did not");
    }

    @Test
    void inUse_pastMaxAge_notListed() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.touched("s1", NOW + MAX_AGE - 1);
        assertEquals(List.of("s1"), cache.inUse(NOW + MAX_AGE - 1, 100));
        assertEquals(List.of(), cache.inUse(NOW + MAX_AGE, 100), "never used again: not worth confirming");
    }

    @Test
    void inUse_notSubscribed_nothing() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.touched("s1", NOW);
        cache.unsubscribed();
        assertEquals(List.of(), cache.inUse(NOW, 100));
    }

    @Test
    void confirmed_afterTheTrustRanOut_entryUsedAgainForTheTrustTime() {
        NearCache trusting = subscribedWithTrust();
        SessionRecord record = record("s1", 1);
        trusting.put(record, trusting.generation(), NOW);
        assertNull(trusting.get("s1", 1, NOW + TRUST, NOW + TRUST), "unconfirmed for the trust time");
        trusting.confirmed("s1", 1, NOW + 3 * TRUST);
        assertSame(record, trusting.get("s1", 1, NOW + 3 * TRUST + 1, NOW + 3 * TRUST + 1));
        assertNull(trusting.get("s1", 1, NOW + 4 * TRUST, NOW + 4 * TRUST));
        trusting.confirmed("s1", 0, NOW + 4 * TRUST);
        trusting.confirmed("s1", 1, NOW + 4 * TRUST + 1); // a lookup answered before the gone one
        assertNull(trusting.get("s1", 1, NOW + 4 * TRUST + 2, NOW + 4 * TRUST + 2), "gone stays gone");
    }

    @Test
    void inUse_anyMax_everyEntryInTheWindowCounted() {
        cache.subscribed();
        for (String id : List.of("first", "second", "third")) {
            cache.put(record(id, 1), cache.generation(), NOW);
            cache.touched(id, NOW);
        }
        cache.touched("second", NOW + 1);
        assertEquals(List.of("second"), cache.inUse(NOW + 2, 1));
        assertEquals(List.of(), cache.inUse(NOW + WINDOW, 0), "none listed: lookups are off");
        assertEquals(3 + 1, cache.takeLookupCandidates(), "all three, then the one used within the window");
        assertEquals(0, cache.takeLookupCandidates(), "taken once");
    }

    @Test
    void takeIdleReturns_requestsThatOnlyALookupServes_countedHitOrMiss() {
        NearCache trusting = subscribedWithTrust(); // lookups for 10 * TRUST after a use
        trusting.put(record("s1", 1), trusting.generation(), NOW);
        trusting.touched("s1", NOW);
        assertNotNull(trusting.get("s1", 1, NOW + TRUST - 1, NOW + TRUST - 1));
        assertEquals(0, trusting.takeIdleReturns(), "used less than the trust period before: its touch serves it");

        trusting.touched("s1", NOW + TRUST - 1);
        trusting.confirmed("s1", 1, NOW + 2 * TRUST); // a lookup: the touch's confirmation ran out meanwhile
        assertNotNull(trusting.get("s1", 1, NOW + 2 * TRUST, NOW + 2 * TRUST));
        assertEquals(1, trusting.takeIdleReturns(), "a hit only the lookup made possible");
        assertEquals(0, trusting.takeIdleReturns(), "taken once");

        trusting.touched("s1", NOW + 2 * TRUST);
        assertNull(trusting.get("s1", 1, NOW + 4 * TRUST, NOW + 4 * TRUST), "no lookup since: a miss");
        assertEquals(1, trusting.takeIdleReturns(), "a miss that lookups would have served");

        trusting.touched("s1", NOW + 4 * TRUST);
        assertNull(trusting.get("s1", 1, NOW + 14 * TRUST, NOW + 14 * TRUST));
        assertEquals(0, trusting.takeIdleReturns(), "idle for longer than the window: never looked up");
        assertEquals(4, trusting.takeRequests(), "every request counted, served or not");
    }

    /** A subscribed cache whose entries are trusted for {@value #TRUST} ms after a confirmation. */
    private static NearCache subscribedWithTrust() {
        NearCache trusting = new NearCache(100, 64L << 20, MAX_AGE, TRUST, 10 * TRUST);
        trusting.subscribed();
        return trusting;
    }

    private static SessionRecord record(String id, long version) {
        return new SessionRecord(id, 1, 2, 1800, Map.of("email", "Sa@b.c".getBytes(StandardCharsets.UTF_8)), version);
    }
}
