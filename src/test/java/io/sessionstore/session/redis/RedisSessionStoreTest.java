package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreContract;
import io.sessionstore.session.store.SessionStoreFullException;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.UnreadableSessionException;
import io.sessionstore.session.store.WriteResult;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.redisson.api.RTopic;
import org.redisson.client.codec.StringCodec;

/**
 * The contract against {@link RedisSessionStore} on the shared test Redis, and what only Redis shows: keys, hash
 * fields, TTLs, scripts, memory and announcements. Under a key prefix of its own, deleted afterwards.
 */
@NeedsRedis
class RedisSessionStoreTest extends SessionStoreContract {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The lag of a store that sends every 500 ms: two intervals, in whole seconds. */
    private static final int LAG_SECONDS = 1;
    private static final AttributeCodec codec = new AttributeCodec("", RedisSessionStoreTest.class.getClassLoader(), SizeLimits.DEFAULT);
    private static String prefix;
    private static RedisConnection connection;
    private static RespClient redis;

    @BeforeAll
    static void connect() throws Exception {
        prefix = TestRedis.uniquePrefix("redis-store");
        connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null, Duration.ofMillis(800)));
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (redis != null) {
            redis.deleteKeys(prefix);
            redis.close();
        }
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    protected SessionStore store(Duration grace) {
        return new RedisSessionStore(connection, prefix, grace, Duration.ofMillis(500));
    }

    /** Two sending intervals of 500 ms. */
    @Override
    protected Duration expiryLag() {
        return Duration.ofSeconds(LAG_SECONDS);
    }

    /**
     * A client of a private Redis: for tests that flush the script cache, which every client of a server shares, so
     * that they never disturb other tests on the shared Redis.
     */
    private static RedisConnection connect(PrivateRedis server) throws Exception {
        return RedisConnection.open(new RedisSettings(server.url(), null, Duration.ofMillis(800)));
    }

    /** The store under test, for its key names. */
    private RedisSessionStore redisStore() {
        return (RedisSessionStore) store;
    }

    @Test
    void loadAndTouch_sessionWithTimeout_setsAccessTimeAndTtlOfTimeoutPlusGraceAndLag() throws Exception {
        RedisSessionStore graced = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30), Duration.ofMillis(500));
        String id = newId();
        graced.write(new SessionChange.Create(snapshot(id, TIMEOUT, Map.of("email", codec.encode("email", "a@b.c")))));
        redis.call("EXPIRE", graced.key(id), 10);

        assertEquals(accessed, graced.loadAndTouch(id, -1, accessed + 5_000).orElseThrow().lastAccessedTime());

        assertEquals(String.valueOf(accessed + 5_000), redis.text("HGET", graced.key(id), "a"));
        assertTtlAbout(TIMEOUT + 30 + LAG_SECONDS, graced.key(id));
    }

    /**
     * An access that one node has not sent yet (its touch waits for the background) must not let another node
     * claim the session as expired: Redis counts a session expired only two sending intervals after its timeout.
     */
    @Test
    void claimExpired_accessNotSentYetByAnotherNode_notClaimedAndStillLoads() throws Exception {
        try (RedisSessionStore first = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30),
                Duration.ofMillis(500));
             RedisSessionStore second = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30),
                     Duration.ofMinutes(1))) {
            long start = System.currentTimeMillis();
            String id = newId();
            first.write(new SessionChange.Create(new SessionChange.Snapshot(id, start, start, 1, Map.of())));
            Thread.sleep(900);
            second.touch(id, System.currentTimeMillis()); // an access within the timeout, held back for a minute by its node
            Thread.sleep(400); // the timeout passed since the access Redis knows of

            assertEquals(List.of(), first.claimExpired(System.currentTimeMillis(), 100).stream().map(SessionRecord::id)
                    .filter(id::equals).toList(), "claimed while an access within its timeout was on its way");
            assertTrue(first.loadAndTouch(id, -1, System.currentTimeMillis()).isPresent(), "the session is still there");
        }
    }

    @Test
    void write_createAndUpdate_setTtlOfTimeoutPlusGraceAndLag() throws Exception {
        RedisSessionStore graced = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30), Duration.ofMillis(500));
        String id = newId();

        graced.write(new SessionChange.Create(snapshot(id, TIMEOUT, Map.of("a", bytes("S1")))));
        assertTtlAbout(TIMEOUT + 30 + LAG_SECONDS, graced.key(id));
        redis.call("EXPIRE", graced.key(id), 10);
        graced.write(update(id, Map.of("b", bytes("S2")), Set.of()));

        assertTtlAbout(TIMEOUT + 30 + LAG_SECONDS, graced.key(id));
    }

    @Test
    void write_graceAndLagOfAFractionOfASecond_roundedUpToWholeSeconds() throws Exception {
        RedisSessionStore graced = new RedisSessionStore(connection, prefix, Duration.ofMillis(1_500), Duration.ofMillis(250));
        String id = newId();

        graced.write(new SessionChange.Create(snapshot(id, TIMEOUT, Map.of())));

        assertTtlAbout(TIMEOUT + 2, graced.key(id)); // 1.5 s of grace and 0.5 s of lag
    }

    @Test
    void write_updateWithTimeoutChange_setsTimeoutFieldAndExpiry() throws Exception {
        String id = create(TIMEOUT, Map.of("a", bytes("S1")));

        store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(120)));

        assertEquals("120", redis.text("HGET", redisStore().key(id), "t"));
        assertTtlAbout(120 + LAG_SECONDS, redisStore().key(id));
    }

    @Test
    void write_updateWithoutTimeoutChange_keepsTimeoutAndNoExpiryAnotherNodeSet() throws Exception {
        String id = create(TIMEOUT, Map.of("a", bytes("S1")));
        String key = redisStore().key(id);
        redis.call("HSET", key, "t", "0"); // another node: setMaxInactiveInterval(0)
        redis.call("PERSIST", key);

        assertEquals(new WriteResult.Written(2), store.write(update(id, Map.of("b", bytes("S2")), Set.of())));

        assertEquals("0", redis.text("HGET", key, "t"));
        assertEquals(-1, redis.number("TTL", key), "still without expiry");
    }

    @Test
    void write_createThenUpdate_exactlyTheFormatsHashFields() throws Exception {
        String id = create(TIMEOUT, Map.of("keep", codec.encode("keep", "k"), "drop", codec.encode("drop", "d")));
        String key = redisStore().key(id);
        assertEquals(new TreeSet<>(List.of("f", "c", "a", "t", "v", "@keep", "@drop")),
                new TreeSet<>(redis.list("HKEYS", key)), "after the create");
        assertEquals("2", redis.text("HGET", key, "f"), "format");
        assertEquals(String.valueOf(created), redis.text("HGET", key, "c"));
        assertEquals(String.valueOf(accessed), redis.text("HGET", key, "a"));
        assertEquals(String.valueOf(TIMEOUT), redis.text("HGET", key, "t"));
        assertEquals("1", redis.text("HGET", key, "v"));
        redis.call("HSET", key, "@direct", codec.encode("direct", "from elsewhere"));

        store.write(update(id, Map.of("mine", codec.encode("mine", 42L)), Set.of("drop")));

        assertEquals(new TreeSet<>(List.of("f", "c", "a", "t", "v", "@keep", "@direct", "@mine")),
                new TreeSet<>(redis.list("HKEYS", key)), "after the update");
        assertEquals("2", redis.text("HGET", key, "v"));
        assertEquals(Map.of("keep", "k", "direct", "from elsewhere", "mine", 42L),
                decode(store.loadAndTouch(id, -1, accessed).orElseThrow().attributes()));
    }

    @Test
    void loadAndTouch_storedSession_updatesTheAccessFieldOnly() throws Exception {
        String id = create(TIMEOUT, Map.of("a", bytes("S1")));
        String key = redisStore().key(id);

        store.loadAndTouch(id, -1, accessed + 7_000);

        assertEquals(String.valueOf(accessed + 7_000), redis.text("HGET", key, "a"));
        assertEquals("1", redis.text("HGET", key, "v"), "a touch is not a change");
        assertEquals(String.valueOf(created), redis.text("HGET", key, "c"));
    }

    @Test
    void loadAndTouch_unknownId_noKeyCreated() throws Exception {
        String id = newId();

        store.loadAndTouch(id, -1, accessed);

        assertEquals(0, redis.number("EXISTS", redisStore().key(id)));
    }

    @Test
    void write_updateOfDeletedKey_goneAndNoKeyCreated() throws Exception {
        String id = create(TIMEOUT, Map.of("a", bytes("S1")));
        redis.call("DEL", redisStore().key(id)); // deleted by another node, or expired

        assertEquals(WriteResult.GONE, store.write(update(id, Map.of("b", bytes("S2")), Set.of())));

        assertEquals(0, redis.number("EXISTS", redisStore().key(id)));
    }

    @ParameterizedTest
    @MethodSource("hostileIds") // the contract's
    void hostileId_loadUpdateRenameDelete_noKeyUnderThePrefixCreated(String hostile) throws Exception {
        Set<String> before = new TreeSet<>(redis.keys(prefix));
        String newId = newId();

        store.loadAndTouch(hostile, -1, accessed);
        store.write(update(hostile, Map.of("b", bytes("S2")), Set.of()));
        store.write(new SessionChange.Rename(hostile, snapshot(newId, TIMEOUT, Map.of())));
        store.write(new SessionChange.Delete(hostile));

        assertEquals(0, redis.number("EXISTS", redisStore().key(hostile)), "no key for the hostile id");
        assertEquals(before, new TreeSet<>(redis.keys(prefix)), "keys under the prefix");
    }

    @Test
    void loadAndTouch_hashWithoutMetadata_unreadable() throws Exception {
        String id = newId();
        redis.call("HSET", redisStore().key(id), "@email", codec.encode("email", "a@b.c"));

        UnreadableSessionException e = assertThrows(UnreadableSessionException.class,
                () -> store.loadAndTouch(id, -1, accessed));
        assertEquals("session metadata is missing", e.getMessage());
    }

    @Test
    void loadAndTouch_nonNumericMetadata_unreadable() throws Exception {
        String id = newId();
        redis.call("HSET", redisStore().key(id), "c", "yesterday", "a", String.valueOf(accessed), "t", "60");

        UnreadableSessionException e = assertThrows(UnreadableSessionException.class,
                () -> store.loadAndTouch(id, -1, accessed));
        assertEquals("session metadata is not numeric", e.getMessage());
    }

    @Test
    void loadAndTouch_nonNumericVersionOrFormat_unreadable() throws Exception {
        String badVersion = newId();
        String badFormat = newId();
        String a = String.valueOf(accessed);
        redis.call("HSET", redisStore().key(badVersion), "c", "1", "a", a, "t", "60", "v", "two");
        redis.call("HSET", redisStore().key(badFormat), "f", "two", "c", "1", "a", a, "t", "60", "v", "1");

        assertThrows(UnreadableSessionException.class, () -> store.loadAndTouch(badVersion, -1, accessed));
        assertThrows(UnreadableSessionException.class, () -> store.loadAndTouch(badFormat, -1, accessed));
    }

    /**
     * Redis at its maxmemory with noeviction: new sessions and changes are refused as full and nothing is written
     * past the limit (a script is checked at its first write only: each one's first write is one Redis checks),
     * while stored sessions still load (their access time is then not written) and can be deleted.
     */
    @Test
    void write_redisAtMaxmemory_refusedAsFullNothingPastTheLimitAndSessionsStillLoad() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server);
             RespClient admin = server.client()) {
            RedisSessionStore store = new RedisSessionStore(own, prefix, Duration.ofSeconds(30),
                    Duration.ofMinutes(1));
            Map<String, byte[]> kilobyte = Map.of("cart", new byte[1_000]);
            String first = newId();
            store.write(new SessionChange.Create(snapshot(first, TIMEOUT, kilobyte)));
            long maxmemory = admin.info("memory", "used_memory") + 300_000;
            admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
            admin.call("CONFIG", "SET", "maxmemory", String.valueOf(maxmemory));

            // Far more sessions than fit: each is written whole or refused, and never past the limit.
            int created = 0;
            int refused = 0;
            long mostUsed = 0;
            for (int i = 0; i < 2_000; i++) {
                try {
                    store.write(new SessionChange.Create(snapshot(newId(), TIMEOUT, kilobyte)));
                    created++;
                } catch (SessionStoreFullException full) {
                    refused++;
                }
                mostUsed = Math.max(mostUsed, admin.info("memory", "used_memory"));
            }
            assertTrue(created > 50 && refused > 1_000, created + " sessions created, " + refused + " refused as full");
            assertTrue(mostUsed <= maxmemory + 65_536, "used at most " + mostUsed + " bytes, maxmemory " + maxmemory);

            // Well past the limit, so that buffers Redis frees meanwhile cannot make room for one more write.
            admin.call("CONFIG", "SET", "maxmemory", String.valueOf(admin.info("memory", "used_memory") - 300_000));
            assertTrue(store.loadAndTouch(first, -1, System.currentTimeMillis()).isPresent(), "still loads");
            assertThrows(SessionStoreFullException.class,
                    () -> store.write(update(first, Map.of("more", new byte[1_000]), Set.of())));
            assertEquals(WriteResult.DELETED, store.write(new SessionChange.Delete(first)));
            assertEquals(0, admin.number("EXISTS", store.key(first)), "a delete frees memory, so it is never refused");
            store.close();
        }
    }

    /**
     * A Redis that evicts (allkeys-lru) under memory pressure: sessions in use are touched in the background at
     * least every interval, so Redis takes them for recently used and evicts the idle ones first.
     */
    @Test
    void touch_redisEvictingUnderPressure_sessionsInUseOutliveIdleOnes() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server);
             RespClient admin = server.client()) {
            RedisSessionStore store = new RedisSessionStore(own, prefix, Duration.ofSeconds(30),
                    Duration.ofMillis(100));
            Map<String, byte[]> kilobyte = Map.of("cart", new byte[1_000]);
            List<String> inUse = new ArrayList<>();
            List<String> idle = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String id = newId();
                store.write(new SessionChange.Create(snapshot(id, TIMEOUT, kilobyte)));
                (i % 8 == 0 ? inUse : idle).add(id);
            }
            Thread.sleep(1_100); // Redis's LRU clock has a resolution of one second: the idle ones fall behind
            admin.call("CONFIG", "SET", "maxmemory-samples", "10");
            admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            admin.call("CONFIG", "SET", "maxmemory", String.valueOf(admin.info("memory", "used_memory") + 100_000));
            // Pressure: twice as many new sessions, while the ones in use are used (touched) all along.
            for (int i = 0; i < 800; i++) {
                if (i % 20 == 0) {
                    inUse.forEach(id -> store.touch(id, System.currentTimeMillis()));
                    Thread.sleep(120);
                }
                store.write(new SessionChange.Create(snapshot(newId(), TIMEOUT, kilobyte)));
            }
            long inUseKept = countExisting(admin, store, inUse);
            long idleKept = countExisting(admin, store, idle);
            assertTrue(idleKept < idle.size() * 3 / 4, "under pressure: " + idleKept + " of " + idle.size()
                    + " idle sessions kept");
            assertTrue(inUseKept * idle.size() > idleKept * inUse.size() * 2, inUseKept + " of " + inUse.size()
                    + " sessions in use kept, " + idleKept + " of " + idle.size() + " idle ones");
            store.close();
        }
    }

    private static long countExisting(RespClient admin, RedisSessionStore store, List<String> ids) throws Exception {
        long existing = 0;
        for (String id : ids) {
            existing += admin.number("EXISTS", store.key(id));
        }
        return existing;
    }

    /** The application was told the session ended: it ends in Redis too, once Redis is back. */
    @Test
    void write_deleteOrReplaceWhileRedisIsDown_unavailableThenDeletedOnceRedisIsBack() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server)) {
            RedisSessionStore store = new RedisSessionStore(own, prefix, Duration.ofSeconds(30),
                    Duration.ofMillis(200));
            long now = System.currentTimeMillis();
            String deleted = newId();
            String replaced = newId();
            for (String id : List.of(deleted, replaced)) {
                store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, TIMEOUT, Map.of())));
            }
            server.stop();
            try {
                assertThrows(SessionStoreUnavailableException.class,
                        () -> store.write(new SessionChange.Delete(deleted)));
                assertThrows(SessionStoreUnavailableException.class, () -> store.write(new SessionChange.Replace(
                        replaced, new SessionChange.Snapshot(newId(), now, now, TIMEOUT, Map.of()))));
            } finally {
                server.restart();
            }
            try (RespClient after = server.client()) {
                for (String id : List.of(deleted, replaced)) {
                    Poll.until(Duration.ofSeconds(10), "the delete sent once Redis is back",
                            () -> after.number("EXISTS", store.key(id)) == 0);
                }
            }
            store.close();
        }
    }

    @Test
    void touch_manyOfTwoSessionsWithinOneInterval_oneTouchScriptEachAndTheIndexEntries() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server);
             RespClient admin = server.client()) {
            // An interval far longer than the test: only the explicit send sends.
            RedisSessionStore quiet = new RedisSessionStore(own, prefix, Duration.ofSeconds(30), Duration.ofMinutes(1));
            long now = System.currentTimeMillis();
            String first = newId();
            String second = newId();
            for (String id : List.of(first, second)) {
                quiet.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, TIMEOUT, Map.of())));
            }
            for (int i = 1; i <= 50; i++) {
                quiet.touch(first, now + i);
                quiet.touch(second, now + 100 - i);
            }
            long scriptsBefore = evalshaCalls(admin);

            quiet.send();

            assertEquals(1, evalshaCalls(admin) - scriptsBefore, "one script, touching each session once");
            assertEquals(String.valueOf(now + 50), admin.text("HGET", quiet.key(first), "a"), "the latest touch");
            assertEquals(String.valueOf(now + 99), admin.text("HGET", quiet.key(second), "a"), "the latest touch");
            long due = now + TIMEOUT * 1000L + Duration.ofMinutes(2).toMillis(); // the lag of two intervals
            assertEquals(String.valueOf(due), admin.text("ZSCORE", prefix + "expiries:{"
                    + Math.floorMod(first.hashCode(), 16) + "}", first), "indexed by its due time");
            quiet.close();
        }
    }

    @Test
    void send_touches_listenersToldTheVersionFoundOrZeroWhenGone() throws Exception {
        RedisSessionStore quiet = quietStore();
        List<String> told = new CopyOnWriteArrayList<>();
        long before = System.currentTimeMillis();
        quiet.addTouchListener((id, version, sentAt) -> told.add(id + " " + version + " " + (sentAt >= before)));
        long now = System.currentTimeMillis();
        String updated = newId();
        String deletedByOperator = newId();
        for (String id : List.of(updated, deletedByOperator)) {
            quiet.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, TIMEOUT, Map.of())));
        }
        quiet.write(new SessionChange.Update(updated, Map.of("a", new byte[] {1}), Set.of(), OptionalInt.empty()));
        try (RespClient admin = new RespClient(TestRedis.url())) {
            admin.call("DEL", quiet.key(deletedByOperator));
        }
        String unknown = newId();
        for (String id : List.of(updated, deletedByOperator, unknown)) {
            quiet.touch(id, now + 1);
        }

        quiet.send();

        assertEquals(Set.of(updated + " 2 true", deletedByOperator + " 0 true", unknown + " 0 true"),
                Set.copyOf(told));
        quiet.close();
    }

    @Test
    void send_touchesOfLiveExpiredAndForeignKeysInOneScript_eachAnsweredOnItsOwn() throws Exception {
        RedisSessionStore quiet = quietStore();
        List<String> told = new CopyOnWriteArrayList<>();
        quiet.addTouchListener((id, version, sentAt) -> told.add(id + " " + version));
        long now = System.currentTimeMillis();
        String live = newId();
        String expired = newId();
        String foreign = newId();
        quiet.write(new SessionChange.Create(new SessionChange.Snapshot(live, now, now, TIMEOUT, Map.of())));
        long longAgo = now - (TIMEOUT + 300) * 1000L; // past the timeout and the lag of two one-minute intervals
        quiet.write(new SessionChange.Create(new SessionChange.Snapshot(expired, longAgo, longAgo, TIMEOUT, Map.of())));
        try (RespClient admin = new RespClient(TestRedis.url())) {
            admin.call("SET", quiet.key(foreign), "not a session");
            String expiredTtl = admin.text("TTL", quiet.key(expired));
            for (String id : List.of(live, expired, foreign)) {
                quiet.touch(id, now + 7);
            }
            long scriptsBefore = evalshaCalls(admin);

            quiet.send();

            assertEquals(1, evalshaCalls(admin) - scriptsBefore, "one script");
            assertEquals(Set.of(live + " 1", expired + " 0", foreign + " 0"), Set.copyOf(told));
            assertEquals(String.valueOf(now + 7), admin.text("HGET", quiet.key(live), "a"));
            assertEquals(String.valueOf(longAgo), admin.text("HGET", quiet.key(expired), "a"),
                    "a late touch never brings an expired session back");
            assertTrue(Long.parseLong(admin.text("TTL", quiet.key(expired))) <= Long.parseLong(expiredTtl),
                    "nor renews its expiry");
            assertEquals("not a session", admin.text("GET", quiet.key(foreign)));
        }
        quiet.close();
    }

    @Test
    void send_versionsToConfirm_foundWithoutAnAccessAndToldAsTouchesAre() throws Exception {
        RedisSessionStore quiet = quietStore();
        List<String> told = new CopyOnWriteArrayList<>();
        long before = System.currentTimeMillis();
        quiet.addTouchListener((id, version, sentAt) -> told.add(id + " " + version + " " + (sentAt >= before)));
        long now = System.currentTimeMillis() - 5_000;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 450; i++) { // more than one script's worth
            String id = newId();
            ids.add(id);
            quiet.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, TIMEOUT, Map.of())));
        }
        String updated = ids.get(0);
        String deletedByOperator = ids.get(1);
        String touched = ids.get(2);
        quiet.write(new SessionChange.Update(updated, Map.of("a", new byte[] {1}), Set.of(), OptionalInt.empty()));
        String unknown = newId();
        try (RespClient admin = new RespClient(TestRedis.url())) {
            admin.call("DEL", quiet.key(deletedByOperator));
            admin.call("SET", prefix + "session:{" + unknown + "}", "not a session");
            quiet.confirmVersions(at -> at >= before ? concat(ids, unknown) : List.of());
            quiet.touch(touched, now + 1);
            long scriptsBefore = evalshaCalls(admin);

            quiet.send();

            assertEquals(1 + 3, evalshaCalls(admin) - scriptsBefore, "one touch, three lookups of 200 at most");
            assertEquals(String.valueOf(now), admin.text("HGET", quiet.key(ids.get(3)), "a"),
                    "a lookup is no access");
        }
        Set<String> expected = new HashSet<>();
        ids.forEach(id -> expected.add(id + " 1 true"));
        expected.remove(updated + " 1 true");
        expected.add(updated + " 2 true");
        expected.remove(deletedByOperator + " 1 true");
        expected.add(deletedByOperator + " 0 true");
        expected.add(unknown + " 0 true");
        assertEquals(expected, Set.copyOf(told));
        assertEquals(ids.size() + 1, told.size(), "the touched session once, by its touch");
        quiet.close();
    }

    @Test
    void send_manyVersionsToConfirm_lookedUpInBatchesOfTwoThousand() {
        RedisSessionStore quiet = quietStore();
        List<String> told = new CopyOnWriteArrayList<>();
        quiet.addTouchListener((id, version, sentAt) -> told.add(id + " " + version));
        List<String> operations = new CopyOnWriteArrayList<>();
        quiet.timeRoundTrips((operation, nanos) -> operations.add(operation));
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < 4_100; i++) {
            unknown.add(newId());
        }
        quiet.confirmVersions(at -> unknown);

        quiet.send();

        assertEquals(List.of("version_lookup", "version_lookup", "version_lookup"), operations);
        assertEquals(unknown.stream().map(id -> id + " 0").toList(), told);
        quiet.close();
    }

    /** A store whose own background thread never sends within a test: each test calls {@code send()} itself. */
    private static RedisSessionStore quietStore() {
        return new RedisSessionStore(connection, prefix, Duration.ofSeconds(30), Duration.ofMinutes(1));
    }

    private static List<String> concat(List<String> ids, String more) {
        List<String> all = new ArrayList<>(ids);
        all.add(more);
        return all;
    }

    private static long evalshaCalls(RespClient admin) throws Exception {
        for (String line : admin.text("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }

    @Test
    void everyOperation_afterScriptFlush_stillWorks() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server);
             RespClient admin = server.client()) {
            RedisSessionStore flushed = new RedisSessionStore(own, prefix, Duration.ZERO, Duration.ofMillis(500));
            String id = newId();
            String renamed = newId();
            admin.call("SCRIPT", "FLUSH");
            assertEquals(new WriteResult.Written(1),
                    flushed.write(new SessionChange.Create(snapshot(id, TIMEOUT, Map.of("a", bytes("S1"))))));
            admin.call("SCRIPT", "FLUSH");
            assertNotNull(flushed.loadAndTouch(id, -1, accessed).orElseThrow());
            admin.call("SCRIPT", "FLUSH");
            assertEquals(new WriteResult.Written(2), flushed.write(update(id, Map.of("b", bytes("S2")), Set.of())));
            admin.call("SCRIPT", "FLUSH");
            assertEquals(new WriteResult.Written(1), flushed.write(new SessionChange.Rename(id,
                    snapshot(renamed, TIMEOUT, Map.of("a", bytes("S1"), "b", bytes("S2"), "c", bytes("S3"))))));
            admin.call("SCRIPT", "FLUSH");
            long later = System.currentTimeMillis();
            flushed.touch(renamed, later);
            flushed.send();
            assertEquals(String.valueOf(later), admin.text("HGET", flushed.key(renamed), "a"), "touched");
            admin.call("SCRIPT", "FLUSH");
            assertEquals(List.of(), flushed.claimExpired(later, 10), "claims run; nothing expired");
            admin.call("SCRIPT", "FLUSH");
            assertEquals(WriteResult.DELETED, flushed.write(new SessionChange.Delete(renamed)));

            assertEquals(0, admin.number("EXISTS", flushed.key(id)), "renamed away");
            assertEquals(0, admin.number("EXISTS", flushed.key(renamed)), "deleted");
        }
    }

    @Test
    void write_replaceAfterScriptFlush_stillWorks() throws Exception {
        try (PrivateRedis server = PrivateRedis.start();
             RedisConnection own = connect(server);
             RespClient admin = server.client()) {
            RedisSessionStore flushed = new RedisSessionStore(own, prefix, Duration.ZERO, Duration.ofMillis(500));
            String earlier = newId();
            flushed.write(new SessionChange.Create(snapshot(earlier, TIMEOUT, Map.of("a", bytes("S1")))));
            assertEquals(new WriteResult.Written(1), flushed.write(new SessionChange.Replace(earlier,
                    snapshot(newId(), TIMEOUT, Map.of()))), "a replace before the flush, as on a running node");
            String oldId = newId();
            flushed.write(new SessionChange.Create(snapshot(oldId, TIMEOUT, Map.of("a", bytes("S1")))));
            SessionChange.Snapshot replacement = snapshot(newId(), TIMEOUT, Map.of("d", bytes("S4")));
            admin.call("SCRIPT", "FLUSH"); // as after a restart or a failover: Redis knows no script

            assertEquals(new WriteResult.Written(1), flushed.write(new SessionChange.Replace(oldId, replacement)));

            assertEquals(0, admin.number("EXISTS", flushed.key(oldId)), "old key");
            assertEquals(1, admin.number("EXISTS", flushed.key(replacement.id())), "new key");
        }
    }

    /**
     * The key's length counts in {@code MEMORY USAGE}, so this test writes under a prefix as long as the default
     * {@code sessionstore:} (13 characters), of its own, and a session as the demo stores it: the default timeout of
     * 30 minutes, a version and one email.
     */
    @Test
    void memoryUsage_sessionWithOneEmail_atMost200Bytes() throws Exception {
        StringBuilder ownPrefix = new StringBuilder("test:");
        for (int i = 0; i < 7; i++) {
            ownPrefix.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        ownPrefix.append(':');
        assertEquals("sessionstore:".length(), ownPrefix.length(), ownPrefix.toString());
        RedisSessionStore sized = new RedisSessionStore(connection, ownPrefix.toString(), Duration.ZERO, Duration.ofMillis(500));
        String id = newId();
        try {
            long now = System.currentTimeMillis();
            sized.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800,
                    Map.of("email", codec.encode("email", "carol.someone@example.com")))));

            long bytes = redis.number("MEMORY", "USAGE", sized.key(id), "SAMPLES", "0");

            System.out.println("MEMORY USAGE of a session holding one email: " + bytes + " bytes");
            assertTrue(bytes <= 200, "MEMORY USAGE " + bytes + " bytes, expected at most 200");
        } finally {
            redis.call("DEL", sized.key(id));
        }
    }

    @Test
    void write_rename_movesTheKeyWithItsTtl() throws Exception {
        String oldId = create(TIMEOUT, Map.of("a", bytes("S1")));
        String newId = newId();

        store.write(new SessionChange.Rename(oldId, snapshot(newId, TIMEOUT, Map.of("a", bytes("S1")))));

        assertEquals(0, redis.number("EXISTS", redisStore().key(oldId)), "old key");
        assertEquals(1, redis.number("EXISTS", redisStore().key(newId)), "new key");
        assertEquals("1", redis.text("HGET", redisStore().key(newId), "v"));
        assertTtlAbout(TIMEOUT + LAG_SECONDS, redisStore().key(newId));
    }

    @Test
    void write_renameOfDeletedKey_goneAndNoNewKey() throws Exception {
        String oldId = create(TIMEOUT, Map.of("a", bytes("S1")));
        String newId = newId();
        redis.call("DEL", redisStore().key(oldId)); // invalidated on another node meanwhile

        assertEquals(WriteResult.GONE,
                store.write(new SessionChange.Rename(oldId, snapshot(newId, TIMEOUT, Map.of("a", bytes("S1"))))));

        assertEquals(0, redis.number("EXISTS", redisStore().key(newId)));
    }

    @Test
    void key_ofAnId_prefixSessionAndTheIdAsHashTag() {
        assertEquals(prefix + "session:{abc}", redisStore().key("abc"));
    }

    @Test
    void write_changes_announceIdAndVersionOrZeroOnTheEventsChannel() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        RTopic topic = connection.client().getTopic(prefix + "session-events", StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (channel, message) -> messages.add(message));
        try {
            String a = newId();
            String b = newId();
            String c = newId();
            store.write(new SessionChange.Create(snapshot(a, TIMEOUT, Map.of("x", bytes("S1")))));
            store.write(update(a, Map.of("x", bytes("S2")), Set.of()));
            store.write(update(a, Map.of(), Set.of("x")));
            store.write(new SessionChange.Rename(a, snapshot(b, TIMEOUT, Map.of())));
            store.write(update(b, Map.of("y", bytes("S3")), Set.of()));
            store.write(new SessionChange.Replace(b, snapshot(c, TIMEOUT, Map.of())));
            store.write(new SessionChange.Delete(c));
            store.write(new SessionChange.Delete(c)); // already gone: nothing to announce
            store.write(update(c, Map.of("z", bytes("S4")), Set.of())); // gone: nothing written, nothing announced
            String last = newId();
            store.write(new SessionChange.Create(snapshot(last, TIMEOUT, Map.of())));
            store.write(new SessionChange.Delete(last));

            Poll.until(Duration.ofSeconds(5), "the last announcement", () -> messages.contains(last + " 0"));

            List<String> expected = List.of(a + " 2", a + " 3", a + " 0", b + " 2", b + " 0", c + " 0", last + " 0");
            assertEquals(expected, messages, "creates, gone updates and deletes of gone sessions announce nothing");
            for (String message : expected) {
                RedisSessionFormat.Announcement parsed = RedisSessionFormat.parseMessage(message);
                assertEquals(message, parsed.id() + " " + parsed.version(), "read back by the feed's parser");
            }
        } finally {
            topic.removeListener(listener);
        }
    }

    /** Asserts a TTL within 10 s below {@code seconds}: the test may take a moment after it was set. */
    private static void assertTtlAbout(long seconds, String key) throws Exception {
        long ttl = redis.number("TTL", key);
        assertTrue(ttl > seconds - 10 && ttl <= seconds, "TTL " + ttl + " s, expected about " + seconds + " s");
    }

    /** Attribute values decoded by the session model's codec. */
    private static Map<String, Object> decode(Map<String, byte[]> attributes) {
        Map<String, Object> decoded = new HashMap<>();
        attributes.forEach((name, value) -> decoded.put(name, codec.decode(name, value)));
        return decoded;
    }
}
