package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests of the Redis wire format: hashes and messages spelled out by hand, byte for byte, as earlier
 * versions wrote them and as this version must write them, so that a change of the format shows here first.
 */
@NeedsRedis
class RedisSessionFormatTest {

    /** A last access that has not expired, for updates, which a session must be alive for. */
    private static final long RECENT_MILLIS = System.currentTimeMillis();
    private static final String RECENT = String.valueOf(RECENT_MILLIS);

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String EMAIL = "carol@example.com";

    private static String prefix;
    private static RedisConnection connection;
    private static RedisSessionStore store;
    private static RespClient redis;

    @BeforeAll
    static void connect() throws Exception {
        prefix = TestRedis.uniquePrefix("redis-format");
        connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null, Duration.ofMillis(800)));
        store = new RedisSessionStore(connection, prefix, Duration.ZERO, Duration.ofMillis(500));
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

    /** The key of a session, spelled out: {@code <prefix>session:{<id>}}. */
    private static String key(String id) {
        return prefix + "session:{" + id + "}";
    }

    @Test
    void key_ofAnId_isPrefixSessionColonIdInBraces() {
        assertEquals(key(ID), store.key(ID));
        assertEquals(prefix + "session-events", new RedisSessionFormat(prefix, 0, 0).channel());
    }

    @Test
    void channels_sharded_sixteenHashTaggedChannelsEachSessionOnOneByItsId() {
        RedisSessionFormat sharded = new RedisSessionFormat(prefix, 0, 0, true);
        RedisSessionFormat plain = new RedisSessionFormat(prefix, 0, 0);

        assertEquals(List.of(prefix + "session-events"), plain.channels());
        assertEquals(prefix + "session-events", plain.channel(ID));
        assertEquals(RedisSessionFormat.GROUPS, sharded.channels().size());
        assertEquals(prefix + "session-events:{0}", sharded.channels().get(0));
        assertEquals(prefix + "session-events:{15}", sharded.channels().get(15));
        assertTrue(sharded.channels().contains(sharded.channel(ID)));
        assertEquals(sharded.expiryKey(ID).replace("expiries", "session-events"), sharded.channel(ID));
        assertEquals(prefix + "session-events-acks:{n1}", sharded.ackChannel("n1"));
        assertEquals(prefix + "session-events-acks:n1", plain.ackChannel("n1"));
    }

    @Test
    void loadAndTouch_formatOneHashWithoutFormatField_readWithItsValues() throws Exception {
        String id = "formatOne000000000000A";
        redis.call("HSET", key(id), "c", "1700000000000", "a", "1700000001000", "t", "1800", "v", "7",
                "@email", "S" + EMAIL);

        SessionRecord record = store.loadAndTouch(id, -1, 1_700_000_002_000L).orElseThrow();

        assertEquals(id, record.id());
        assertEquals(1_700_000_000_000L, record.creationTime());
        assertEquals(1_700_000_001_000L, record.lastAccessedTime());
        assertEquals(1800, record.maxInactiveSeconds());
        assertEquals(7, record.version());
        assertEquals(Set.of("email"), record.attributes().keySet());
        assertArrayEquals(("S" + EMAIL).getBytes(StandardCharsets.UTF_8), record.attributes().get("email"));
        assertEquals(EMAIL, new AttributeCodec("", getClass().getClassLoader(), SizeLimits.DEFAULT).decode("email",
                record.attributes().get("email")));
        assertEquals("1700000002000", redis.text("HGET", key(id), "a"), "touched");
        long ttl = redis.number("TTL", key(id));
        assertTrue(ttl > 1790 && ttl <= 1801, "TTL " + ttl + " s, expected about 1800 s and the lag of 1 s");
    }

    @Test
    void write_updateOfFormatOneHash_nextVersionAndStillReadable() throws Exception {
        String id = "formatOne000000000000B";
        redis.call("HSET", key(id), "c", "1700000000000", "a", RECENT, "t", "1800", "v", "7",
                "@email", "S" + EMAIL);

        assertEquals(new WriteResult.Written(8), store.write(new SessionChange.Update(id,
                Map.of("n", "I1".getBytes(StandardCharsets.UTF_8)), Set.of(), OptionalInt.empty())));

        SessionRecord record = store.loadAndTouch(id, -1, RECENT_MILLIS + 1_000).orElseThrow();
        assertEquals(8, record.version());
        assertEquals(Set.of("email", "n"), record.attributes().keySet());
    }

    @Test
    void loadAndTouch_hashWithoutVersion_readAsVersionZero() throws Exception {
        String id = "noVersion000000000000A";
        redis.call("HSET", key(id), "c", "1700000000000", "a", "1700000001000", "t", "1800", "@email", "S" + EMAIL);

        SessionRecord record = store.loadAndTouch(id, -1, 1_700_000_002_000L).orElseThrow();

        assertEquals(0, record.version());
        assertEquals(1800, record.maxInactiveSeconds());
        assertArrayEquals(("S" + EMAIL).getBytes(StandardCharsets.UTF_8), record.attributes().get("email"));
    }

    @Test
    void write_updateOfHashWithoutVersion_version1() throws Exception {
        String id = "noVersion000000000000B";
        redis.call("HSET", key(id), "c", "1700000000000", "a", RECENT, "t", "1800", "@email", "S" + EMAIL);

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Update(id,
                Map.of("n", "I1".getBytes(StandardCharsets.UTF_8)), Set.of(), OptionalInt.empty())));
    }

    @Test
    void loadAndTouch_newerFormat_unavailableNamingTheFormatAndKept() throws Exception {
        String id = "formatThree0000000000A";
        redis.call("HSET", key(id), "f", "3", "c", "1700000000000", "a", "1700000001000", "t", "1800", "v", "1",
                "@email", "S" + EMAIL);

        // Written by a newer node during a rolling upgrade: this node answers 503 (a load balancer tries another
        // node) rather than treat it as corrupt and delete it.
        SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class,
                () -> store.loadAndTouch(id, -1, 1_700_000_002_000L));

        assertTrue(e.getMessage().contains("format 3"), "message names the format: " + e.getMessage());
        assertEquals(1, redis.number("EXISTS", key(id)), "the session stays for the nodes that read it");
    }

    @Test
    void write_create_hashIsFormatTwoByteForByte() throws Exception {
        String id = "formatTwo000000000000A";

        store.write(new SessionChange.Create(new SessionChange.Snapshot(id, 1_700_000_000_000L, 1_700_000_001_000L,
                1800, Map.of("email", ("S" + EMAIL).getBytes(StandardCharsets.UTF_8)))));

        assertEquals(Map.of("f", "2", "c", "1700000000000", "a", "1700000001000", "t", "1800", "v", "1",
                "@email", "S" + EMAIL), hash(key(id)));
    }

    @Test
    void write_update_hashKeepsFormatTwoWithNewVersion() throws Exception {
        String id = "formatTwo000000000000B";
        store.write(new SessionChange.Create(new SessionChange.Snapshot(id, 1_700_000_000_000L, RECENT_MILLIS,
                1800, Map.of("email", ("S" + EMAIL).getBytes(StandardCharsets.UTF_8)))));

        store.write(new SessionChange.Update(id, Map.of("n", "I1".getBytes(StandardCharsets.UTF_8)), Set.of("email"),
                OptionalInt.of(60)));

        assertEquals(Map.of("f", "2", "c", "1700000000000", "a", RECENT, "t", "60", "v", "2",
                "@n", "I1"), hash(key(id)));
    }

    @Test
    void parseMessage_idAndVersion_announcementOfThatVersion() {
        assertEquals(new RedisSessionFormat.Announcement("id", 5, null, 0), RedisSessionFormat.parseMessage("id 5"));
    }

    @Test
    void parseMessage_idAndZero_announcementOfADelete() {
        assertEquals(new RedisSessionFormat.Announcement("id", 0, null, 0), RedisSessionFormat.parseMessage("id 0"));
    }

    @Test
    void parseMessage_extraTokens_ignored() {
        assertEquals(new RedisSessionFormat.Announcement("id", 5, null, 0), RedisSessionFormat.parseMessage("id 5 x"));
        assertEquals(new RedisSessionFormat.Announcement("id", 5, null, 0), RedisSessionFormat.parseMessage("id 5 x y 7"));
    }

    @Test
    void parseMessage_deleteWithNodeAndSequence_announcementToAcknowledge() {
        assertEquals(new RedisSessionFormat.Announcement("id", 0, "node1", 42),
                RedisSessionFormat.parseMessage("id 0 node1 42"));
        assertEquals(new RedisSessionFormat.Announcement("id", 0, null, 0), RedisSessionFormat.parseMessage("id 0 x y"));
    }

    @Test
    void parseMessage_realSessionId_readWhole() {
        assertEquals(new RedisSessionFormat.Announcement("AZaz09_-AZaz09_-AZaz09", 123_456_789_012L, null, 0),
                RedisSessionFormat.parseMessage("AZaz09_-AZaz09_-AZaz09 123456789012"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "id", "id x", " 5", "id ", "id  5", "id 5x", "id 99999999999999999999"})
    void parseMessage_notAnAnnouncement_null(String message) {
        assertNull(RedisSessionFormat.parseMessage(message), "'" + message + "'");
    }

    /** A whole hash as field to value, both as UTF-8 text. */
    private static Map<String, String> hash(String key) throws Exception {
        List<String> flat = redis.list("HGETALL", key);
        Map<String, String> hash = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            hash.put(flat.get(i), flat.get(i + 1));
        }
        return hash;
    }
}
