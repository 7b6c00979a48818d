package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.cache.CachingSessionStore;
import io.sessionstore.session.cache.NearCacheLookups;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's copies of sessions used within the last few seconds stay confirmed by the version lookups of its
 * background sends, so a user who comes back after longer than the trust bound is still served from memory, and a
 * session deleted behind the application's back is still not served past that bound.
 */
@NeedsRedis
class ConfirmedCopiesTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration TRUST = INTERVAL.multipliedBy(2);

    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger misses = new AtomicInteger();
    private final String prefix = TestRedis.uniquePrefix("confirmed");
    private RedisConnection connection;
    private CachingSessionStore node;

    @BeforeEach
    void startNode() throws Exception {
        connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null, Duration.ofSeconds(3)));
        RedisInvalidationFeed feed = new RedisInvalidationFeed(connection, prefix, TRUST);
        node = new CachingSessionStore(new RedisSessionStore(connection, prefix, Duration.ofSeconds(30), INTERVAL,
                feed, OptionalInt.of(0)), feed, 100, 64L << 20, Duration.ofMinutes(1), TRUST);
        node.countLookups(new NearCacheLookups() {
            @Override
            public void hit() {
                hits.incrementAndGet();
            }

            @Override
            public void miss() {
                misses.incrementAndGet();
            }
        });
    }

    @AfterEach
    void stopNode() {
        node.close();
        connection.close();
    }

    @Test
    void loadAndTouch_backAfterFourTimesTheTrustBound_servedFromMemory() throws Exception {
        String id = cached("AAAAAAAAAAAAAAAAAAAAAA");
        int missesBefore = misses.get();
        for (int visit = 0; visit < 3; visit++) {
            Thread.sleep(TRUST.multipliedBy(4).toMillis());
            assertEquals(1, node.loadAndTouch(id, 1, System.currentTimeMillis()).orElseThrow().version());
        }
        assertEquals(missesBefore, misses.get(), "no visit went to Redis for the session");
        assertTrue(hits.get() >= 3);
    }

    @Test
    void loadAndTouch_keyDeletedByAnOperatorWhileConfirmed_notServedOnceTheTrustBoundPassed() throws Exception {
        String id = cached("BBBBBBBBBBBBBBBBBBBBBB");
        Thread.sleep(TRUST.multipliedBy(3).toMillis());
        int hitsBefore = hits.get();
        node.loadAndTouch(id, 1, System.currentTimeMillis());
        assertEquals(hitsBefore + 1, hits.get(), "confirmed by lookups meanwhile");
        Thread.sleep(TRUST.multipliedBy(3).toMillis());
        try (RespClient admin = new RespClient(TestRedis.url())) {
            admin.call("DEL", prefix + "session:{" + id + "}");
        }
        Thread.sleep(TRUST.toMillis());

        assertEquals(Optional.empty(), node.loadAndTouch(id, 1, System.currentTimeMillis()));
    }

    @Test
    void loadAndTouch_newVersionWrittenByHandWhileConfirmed_notServedOnceTheTrustBoundPassed() throws Exception {
        String id = cached("CCCCCCCCCCCCCCCCCCCCCC");
        Thread.sleep(TRUST.multipliedBy(3).toMillis());
        try (RespClient admin = new RespClient(TestRedis.url())) {
            // Unannounced: only a lookup can notice.
            admin.call("HSET", prefix + "session:{" + id + "}", "@b", "x", "v", "2");
        }
        Thread.sleep(TRUST.toMillis());
        int missesBefore = misses.get();

        assertEquals(2, node.loadAndTouch(id, 1, System.currentTimeMillis()).orElseThrow().version());
        assertEquals(missesBefore + 1, misses.get(), "loaded again");
    }

    @Test
    void loadAndTouch_idleForLongerThanCopiesAreKeptConfirmed_deletedKeyNotServedRightAfterTheDelete()
            throws Exception {
        String id = cached("DDDDDDDDDDDDDDDDDDDDDD");
        // Ten trust periods: the node stops looking the session up, and its copy's trust runs out.
        Thread.sleep(TRUST.multipliedBy(10).plus(TRUST).plus(INTERVAL).toMillis());
        try (RespClient admin = new RespClient(TestRedis.url())) {
            admin.call("DEL", prefix + "session:{" + id + "}");
        }

        assertEquals(Optional.empty(), node.loadAndTouch(id, 1, System.currentTimeMillis()));
    }

    /** Creates session {@code id} and waits until the node serves it from memory. */
    private String cached(String id) throws Exception {
        long now = System.currentTimeMillis();
        node.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800, Map.of())));
        Poll.until(Duration.ofSeconds(5), "the node holds a copy", () -> {
            int hitsBefore = hits.get();
            node.loadAndTouch(id, 1, System.currentTimeMillis());
            return hits.get() > hitsBefore;
        });
        return id;
    }
}
