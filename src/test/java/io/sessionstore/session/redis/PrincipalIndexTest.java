package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.model.SizeLimits;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index of each principal's sessions: written with the sessions that have the principal, read with
 * {@code sessionsOf}, which lists the sessions Redis still holds with it and removes the entries of sessions gone or
 * given another principal; a delete or an expiry claim removes the entry in the background.
 */
@NeedsRedis
class PrincipalIndexTest {

    private static final AttributeCodec CODEC = new AttributeCodec("", PrincipalIndexTest.class.getClassLoader(), SizeLimits.DEFAULT);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static RedisConnection connection;
    private static RespClient redis;
    private String prefix;
    private RedisSessionStore store;

    @BeforeAll
    static void connect() throws Exception {
        connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null, Duration.ofMillis(800)));
        redis = new RespClient(TestRedis.url());
    }

    @AfterAll
    static void disconnect() throws Exception {
        redis.close();
        connection.close();
    }

    @BeforeEach
    void open() {
        prefix = TestRedis.uniquePrefix("principals");
        store = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        redis.deleteKeys(prefix);
    }

    @Test
    void sessionsOf_twoSessionsOfOnePrincipalAndOneOfAnother_listsThePrincipalsOldestFirst() throws Exception {
        long now = System.currentTimeMillis();
        String first = create("alice@example.com", now - 2_000, now - 1_000);
        String second = create("alice@example.com", now - 1_000, now);
        create("bob@example.com", now, now);

        List<SessionRecord> sessions = store.sessionsOf("alice@example.com");

        assertEquals(List.of(first, second), sessions.stream().map(SessionRecord::id).toList());
        assertEquals(now - 2_000, sessions.get(0).creationTime());
        assertEquals(now - 1_000, sessions.get(0).lastAccessedTime());
        assertEquals(Set.of(first, second), Set.copyOf(redis.list("ZRANGE", prefix + "principal:alice@example.com",
                "0", "-1")));
    }

    @Test
    void sessionsOf_sessionWithoutAPrincipal_notIndexed() throws Exception {
        long now = System.currentTimeMillis();
        store.write(new SessionChange.Create(new SessionChange.Snapshot(newId(), now, now, 1800,
                Map.of("cart", CODEC.encode("cart", "3 items")))));

        assertTrue(redis.keys(prefix + "principal:").isEmpty());
    }

    @Test
    void loadAndTouch_sessionWithAPrincipal_readBackWithIt() {
        long now = System.currentTimeMillis();
        String id = create("alice@example.com", now, now);

        assertEquals("alice@example.com", store.loadAndTouch(id, -1, now).orElseThrow().principal());
    }

    @Test
    void delete_ofAnIndexedSession_entryRemovedInTheBackground() throws Exception {
        long now = System.currentTimeMillis();
        String id = create("alice@example.com", now, now);
        String kept = create("alice@example.com", now, now);

        store.write(new SessionChange.Delete(id));

        assertEquals(List.of(kept), ids(store.sessionsOf("alice@example.com")));
        Poll.until(Duration.ofSeconds(5), "the index holds the kept session only", () -> List.of(kept)
                .equals(redis.list("ZRANGE", prefix + "principal:alice@example.com", "0", "-1")));
    }

    @Test
    void sessionsOf_sessionGoneBehindTheStoresBack_notListedAndRemovedFromTheIndex() throws Exception {
        long now = System.currentTimeMillis();
        String deletedByHand = create("alice@example.com", now, now);
        String live = create("alice@example.com", now, now);
        redis.call("DEL", store.key(deletedByHand));

        assertEquals(List.of(live), ids(store.sessionsOf("alice@example.com")));
        Poll.until(Duration.ofSeconds(5), "no gone id left in the index once read", () -> List.of(live)
                .equals(redis.list("ZRANGE", prefix + "principal:alice@example.com", "0", "-1")));
    }

    @Test
    void sessionsOf_sessionPastItsTimeoutNotClaimedYet_listedAndKeptInTheIndex() throws Exception {
        // Whether it expired is the claim's to decide: a reader whose clock runs ahead, or an access on its way,
        // must not make a live session escape "log out everywhere".
        long now = System.currentTimeMillis();
        String idle = create("alice@example.com", now - 120_000, now - 120_000, 60);

        assertEquals(List.of(idle), ids(store.sessionsOf("alice@example.com")));
        Thread.sleep(300); // two background sends
        assertEquals(List.of(idle), redis.list("ZRANGE", prefix + "principal:alice@example.com", "0", "-1"));
    }

    @Test
    void update_principalChanged_listedUnderTheNewOneOnly() throws Exception {
        long now = System.currentTimeMillis();
        String id = create("alice@example.com", now, now);

        store.write(new SessionChange.Update(id, Map.of("email", CODEC.encode("email", "carol@example.com")),
                Set.of(), OptionalInt.empty(), Optional.of("carol@example.com")));

        assertEquals(List.of(id), ids(store.sessionsOf("carol@example.com")));
        assertEquals(List.of(), store.sessionsOf("alice@example.com"));
        Poll.until(Duration.ofSeconds(5), "the old principal's entry is gone once read", () -> redis.list("ZRANGE",
                prefix + "principal:alice@example.com", "0", "-1").isEmpty());
    }

    @Test
    void renameAndReplace_newIdListedOldIdNot() throws Exception {
        long now = System.currentTimeMillis();
        String renamed = create("alice@example.com", now, now);
        String replaced = create("alice@example.com", now, now);
        String afterRename = newId();
        String afterReplace = newId();

        store.write(new SessionChange.Rename(renamed, snapshot(afterRename, "alice@example.com", now, now, 1800)));
        store.write(new SessionChange.Replace(replaced, snapshot(afterReplace, "alice@example.com", now, now, 1800)));

        assertEquals(Set.of(afterRename, afterReplace), Set.copyOf(ids(store.sessionsOf("alice@example.com"))));
        Poll.until(Duration.ofSeconds(5), "the old ids leave the index", () -> Set.of(afterRename, afterReplace)
                .equals(Set.copyOf(redis.list("ZRANGE", prefix + "principal:alice@example.com", "0", "-1"))));
    }

    @Test
    void claimExpired_indexedSession_entryRemoved() throws Exception {
        long now = System.currentTimeMillis();
        String expired = create("alice@example.com", now - 120_000, now - 120_000, 60);

        // The expiry index entry is sent in the background.
        Poll.until(Duration.ofSeconds(5), "the sweep claims the session",
                () -> ids(store.claimExpired(System.currentTimeMillis(), 10)).equals(List.of(expired)));

        Poll.until(Duration.ofSeconds(5), "the claimed session leaves the index", () -> redis.list("ZRANGE",
                prefix + "principal:alice@example.com", "0", "-1").isEmpty());
    }

    @Test
    void update_principalRemoved_notListedAnyMore() throws Exception {
        long now = System.currentTimeMillis();
        String id = create("alice@example.com", now, now);

        store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.empty(), Optional.of("")));

        assertEquals(List.of(), store.sessionsOf("alice@example.com"));
        assertEquals(null, store.loadAndTouch(id, -1, now).orElseThrow().principal());
    }

    private String create(String principal, long created, long accessed) {
        return create(principal, created, accessed, 1800);
    }

    private String create(String principal, long created, long accessed, int timeout) {
        String id = newId();
        store.write(new SessionChange.Create(snapshot(id, principal, created, accessed, timeout)));
        return id;
    }

    private static SessionChange.Snapshot snapshot(String id, String principal, long created, long accessed,
                                                   int timeout) {
        Map<String, byte[]> attributes = new HashMap<>();
        attributes.put("email", CODEC.encode("email", principal));
        return new SessionChange.Snapshot(id, created, accessed, timeout, attributes, principal);
    }

    private static List<String> ids(List<SessionRecord> records) {
        return records.stream().map(SessionRecord::id).toList();
    }

    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
