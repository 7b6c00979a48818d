package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NearCacheTest {

    private static final long NOW = 1_000_000;
    private static final long MAX_AGE = 10_000;

    private final NearCache cache = new NearCache(100, MAX_AGE);

    @Test
    void get_notSubscribed_nothing() {
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW));
    }

    @Test
    void get_putWhileSubscribed_recordForClientsThatKnowThatVersionOrLess() {
        cache.subscribed();
        SessionRecord record = record("s1", 3);
        cache.put(record, cache.generation(), NOW);
        assertSame(record, cache.get("s1", 3, NOW + 1));
        assertSame(record, cache.get("s1", 0, NOW + 1));
        assertNull(cache.get("s1", 4, NOW + 1), "a client told of a newer version reads from Redis");
        assertNull(cache.get("s1", -1, NOW + 1), "a client without a version cookie reads from Redis");
    }

    @Test
    void get_olderThanMaxAge_nothing() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW + MAX_AGE));
    }

    @Test
    void announced_newerVersionOrDelete_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.put(record("s2", 1), cache.generation(), NOW);
        cache.announced("s1", 2, NOW);
        cache.announced("s2", 0, NOW);
        assertNull(cache.get("s1", 1, NOW));
        assertNull(cache.get("s2", 1, NOW));
    }

    @Test
    void announced_versionItHolds_entryKept() {
        cache.subscribed();
        SessionRecord record = record("s1", 2);
        cache.put(record, cache.generation(), NOW);
        cache.announced("s1", 2, NOW); // its own write coming back
        cache.announced("s1", 1, NOW); // a late message
        assertSame(record, cache.get("s1", 2, NOW));
    }

    @Test
    void put_loadOlderThanAnAnnouncement_notKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.announced("s1", 5, NOW);      // a write announced while this node was loading version 4
        cache.put(record("s1", 4), generation, NOW);
        assertNull(cache.get("s1", 0, NOW));
        cache.announced("s2", 0, NOW);      // deleted while loading
        cache.put(record("s2", 9), generation, NOW);
        assertNull(cache.get("s2", 0, NOW));
    }

    @Test
    void put_loadStartedBeforeAConnectionWasLost_notKept() {
        cache.subscribed();
        long generation = cache.generation();
        cache.connectionListener().onDisconnect(new InetSocketAddress("127.0.0.1", 6379));
        cache.subscribed();
        cache.put(record("s1", 1), generation, NOW);
        assertNull(cache.get("s1", 1, NOW));
    }

    @Test
    void connectionLost_everythingDroppedAndNothingServedUntilSubscribedAgain() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.connectionListener().onDisconnect(new InetSocketAddress("127.0.0.1", 6379));
        assertNull(cache.get("s1", 1, NOW));
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertNull(cache.get("s1", 1, NOW), "not kept while unsubscribed");
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        assertEquals(1, cache.get("s1", 1, NOW).version());
    }

    @Test
    void wrote_nextVersionOfTheEntry_entryMovesOnWithTheChange() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        SessionRecord changed = record("s1", 2);
        cache.wrote("s1", 2, old -> changed, NOW);
        assertSame(changed, cache.get("s1", 2, NOW));
    }

    @Test
    void wrote_notTheNextVersion_entryDropped() {
        cache.subscribed();
        cache.put(record("s1", 1), cache.generation(), NOW);
        cache.wrote("s1", 3, old -> record("s1", 3), NOW); // another node wrote version 2 meanwhile
        assertNull(cache.get("s1", 0, NOW));
    }

    @Test
    void put_moreThanMaxEntries_stillBounded() {
        NearCache small = new NearCache(10, MAX_AGE);
        small.subscribed();
        for (int i = 0; i < 25; i++) {
            small.put(record("s" + i, 1), small.generation(), NOW);
        }
        long held = 0;
        for (int i = 0; i < 25; i++) {
            held += small.get("s" + i, 1, NOW) == null ? 0 : 1;
        }
        assertEquals(true, held <= 10, "held " + held + " of at most 10");
    }

    @Test
    void forSessionTimeout_maxAgeATenthBetweenOneAndSixtySeconds() {
        assertEquals(1_000, NearCache.forSessionTimeout(5).maxAgeMillis());
        assertEquals(30_000, NearCache.forSessionTimeout(300).maxAgeMillis());
        assertEquals(60_000, NearCache.forSessionTimeout(1800).maxAgeMillis());
    }

    private static SessionRecord record(String id, long version) {
        return new SessionRecord(id, 1, 2, 1800, Map.of("email", "Sa@b.c".getBytes(StandardCharsets.UTF_8)), version);
    }
}
