package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** Against the shared test Redis, under a key prefix of its own. */
class RedisSessionRepositoryTest {

    private static final long CREATED = 1_700_000_000_000L;
    private static final long ACCESSED = 1_700_000_001_000L;
    private static final int TIMEOUT = 600;

    private static final AttributeCodec codec = new AttributeCodec("", RedisSessionRepositoryTest.class.getClassLoader());
    private static final SessionIds ids = new SessionIds();
    private static String prefix;
    private static RedissonClient redisson;
    private static RedisSessionRepository repository;
    private static RespClient redis;

    @BeforeAll
    static void connect() throws Exception {
        prefix = TestRedis.uniquePrefix("repository");
        redisson = new RedisConnectionSettings(TestRedis.url(), null, 800).connect();
        repository = new RedisSessionRepository(redisson, prefix);
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (redis != null) {
            redis.deleteKeys(prefix);
            redis.close();
        }
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    @Test
    void loadAndTouch_afterFullWrite_returnsRecordSetsTtlAndAccessTime() throws Exception {
        String id = ids.next();
        assertTrue(repository.write(full(null, id, Map.of("email", "a@b.c", "n", 3))) > 0);
        redis.call("EXPIRE", repository.key(id), 10);

        SessionRecord record = repository.loadAndTouch(id, -1, ACCESSED + 5_000);

        assertEquals(id, record.id());
        assertEquals(CREATED, record.creationTime());
        assertEquals(ACCESSED, record.lastAccessedTime());
        assertEquals(TIMEOUT, record.maxInactiveSeconds());
        assertEquals(Map.of("email", "a@b.c", "n", 3), decode(record.attributes()));
        assertEquals(String.valueOf(ACCESSED + 5_000), redis.text("HGET", repository.key(id), "a"));
        long ttl = redis.number("TTL", repository.key(id));
        assertTrue(ttl > TIMEOUT - 10 && ttl <= TIMEOUT, "TTL " + ttl + ", expected about " + TIMEOUT);
    }

    @Test
    void write_partial_changesOnlyNamedFields() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("keep", "k", "drop", "d")));
        String key = repository.key(id);
        redis.call("HSET", key, "@direct", codec.encode("direct", "from elsewhere"));

        boolean applied = 0 < repository.write(new SessionWrite(null, false, id, false, CREATED, ACCESSED, TIMEOUT, false,
                encode(Map.of("mine", 42L)), Set.of("drop")));

        assertTrue(applied);
        assertEquals(new TreeSet<>(List.of("c", "a", "t", "v", "@keep", "@direct", "@mine")),
                new TreeSet<>(redis.list("HKEYS", key)));
        assertEquals(Map.of("keep", "k", "direct", "from elsewhere", "mine", 42L),
                decode(repository.loadAndTouch(id, -1, ACCESSED).attributes()));
    }

    @Test
    void write_partialAfterKeyDeleted_falseAndNoKeyCreated() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("a", "1")));
        redis.call("DEL", repository.key(id));

        boolean applied = 0 < repository.write(new SessionWrite(null, false, id, false, CREATED, ACCESSED, TIMEOUT, false,
                encode(Map.of("b", "2")), Set.of()));

        assertFalse(applied);
        assertEquals(0, redis.number("EXISTS", repository.key(id)));
    }

    @Test
    void write_withDeleteId_movesSessionToNewKey() throws Exception {
        String oldId = ids.next();
        String newId = ids.next();
        repository.write(full(null, oldId, Map.of("a", "1")));

        assertTrue(repository.write(full(oldId, newId, Map.of("a", "1", "b", "2"))) > 0);

        assertEquals(0, redis.number("EXISTS", repository.key(oldId)));
        assertEquals(1, redis.number("EXISTS", repository.key(newId)));
        long ttl = redis.number("TTL", repository.key(newId));
        assertTrue(ttl > TIMEOUT - 10 && ttl <= TIMEOUT, "TTL " + ttl);
        assertEquals(Map.of("a", "1", "b", "2"), decode(repository.loadAndTouch(newId, -1, ACCESSED).attributes()));
    }

    @Test
    void write_partialWithoutTimeoutChange_keepsTheTimeoutAnotherNodeSet() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("a", "1")));
        redis.call("HSET", repository.key(id), "t", "0"); // another node: setMaxInactiveInterval(0)
        redis.call("PERSIST", repository.key(id));

        assertTrue(repository.write(new SessionWrite(null, false, id, false, CREATED, ACCESSED, TIMEOUT, false,
                encode(Map.of("b", "2")), Set.of())) > 0);

        assertEquals("0", redis.text("HGET", repository.key(id), "t"));
        assertEquals(-1, redis.number("TTL", repository.key(id)), "still without expiry");
    }

    @Test
    void write_partialWithTimeoutChange_setsTimeoutAndExpiry() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("a", "1")));

        repository.write(new SessionWrite(null, false, id, false, CREATED, ACCESSED, 120, true, Map.of(), Set.of()));

        assertEquals("120", redis.text("HGET", repository.key(id), "t"));
        long ttl = redis.number("TTL", repository.key(id));
        assertTrue(ttl > 110 && ttl <= 120, "TTL " + ttl);
    }

    @Test
    void write_moveOfADeletedSession_falseAndNoNewKey() throws Exception {
        String oldId = ids.next();
        String newId = ids.next();
        repository.write(full(null, oldId, Map.of("a", "1")));
        redis.call("DEL", repository.key(oldId)); // invalidated on another node meanwhile

        assertEquals(0L, repository.write(full(oldId, newId, Map.of("a", "1"))));

        assertEquals(0, redis.number("EXISTS", repository.key(newId)));
    }

    @Test
    void write_deleteOnly_keyGone() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("a", "1")));
        assertEquals(0L, repository.write(SessionWrite.deleteOnly(id)), "a delete leaves no version");
        assertEquals(0, redis.number("EXISTS", repository.key(id)));
    }

    @Test
    void loadAndTouch_unknownId_nullAndNoKeyCreated() throws Exception {
        String id = ids.next();
        assertNull(repository.loadAndTouch(id, -1, ACCESSED));
        assertEquals(0, redis.number("EXISTS", repository.key(id)));
    }

    @Test
    void everyOperation_afterScriptFlush_stillWorks() throws Exception {
        String id = ids.next();
        String movedId = ids.next();
        redis.call("SCRIPT", "FLUSH");
        assertTrue(repository.write(full(null, id, Map.of("a", "1"))) > 0);
        redis.call("SCRIPT", "FLUSH");
        assertNotNull(repository.loadAndTouch(id, -1, ACCESSED));
        redis.call("SCRIPT", "FLUSH");
        assertTrue(repository.write(new SessionWrite(null, false, id, false, CREATED, ACCESSED, TIMEOUT, false,
                encode(Map.of("b", "2")), Set.of())) > 0);
        redis.call("SCRIPT", "FLUSH");
        assertTrue(repository.write(full(id, movedId, Map.of("a", "1", "b", "2", "c", "3"))) > 0);

        assertEquals(0, redis.number("EXISTS", repository.key(id)));
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"),
                decode(repository.loadAndTouch(movedId, -1, ACCESSED).attributes()));
    }

    @Test
    void loadAndTouch_hashWithoutMetadata_unreadable() throws Exception {
        String id = ids.next();
        redis.call("HSET", repository.key(id), "@email", codec.encode("email", "a@b.c"));
        assertThrows(UnreadableSessionException.class, () -> repository.loadAndTouch(id, -1, ACCESSED));
    }

    @Test
    void loadAndTouch_nonNumericMetadata_unreadable() throws Exception {
        String id = ids.next();
        redis.call("HSET", repository.key(id), "c", "yesterday", "a", "1", "t", "60");
        assertThrows(UnreadableSessionException.class, () -> repository.loadAndTouch(id, -1, ACCESSED));
    }

    @Test
    void memoryUsage_sessionWithOneEmail_atMost200Bytes() throws Exception {
        String id = ids.next();
        repository.write(full(null, id, Map.of("email", "carol.someone@example.com")));
        long bytes = redis.number("MEMORY", "USAGE", repository.key(id), "SAMPLES", "0");
        System.out.println("MEMORY USAGE of a session holding one email: " + bytes + " bytes");
        assertTrue(bytes <= 200, "MEMORY USAGE " + bytes + " bytes, expected at most 200");
    }

    private static SessionWrite full(String deleteId, String id, Map<String, Object> attributes) {
        return new SessionWrite(deleteId, deleteId != null, id, true, CREATED, ACCESSED, TIMEOUT, false,
                encode(attributes), Set.of());
    }

    private static Map<String, byte[]> encode(Map<String, Object> attributes) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        return encoded;
    }

    private static Map<String, Object> decode(Map<String, byte[]> attributes) {
        Map<String, Object> decoded = new LinkedHashMap<>();
        attributes.forEach((name, bytes) -> decoded.put(name, codec.decode(name, bytes)));
        return decoded;
    }
}
