package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.cache.CachingSessionStore;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.testing.FaultyProxy;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A delete through one node's store returns only when no other node's near cache can serve the session any more:
 * once every node its announcement reached acknowledged it, or, for a node whose messages lag, once the copy its
 * store confirmed before the delete is past its trust. What Redis sends node B's subscription arrives 700 ms late
 * through a proxy (later than one housekeeping interval, and its pings still answered within their 1 s deadline),
 * its commands are not, and it sends no touches that could end its copy first.
 */
@NeedsRedis
class AcknowledgedDeleteTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TRUST = INTERVAL.multipliedBy(2);

    @Test
    void delete_otherNodesMessagesLate_itsCopyNotServedOnceTheDeleteReturned() throws Exception {
        String prefix = TestRedis.uniquePrefix("acked");
        RedisSettings direct = new RedisSettings(TestRedis.url(), null, Duration.ofSeconds(3));
        try (FaultyProxy slowMessages = FaultyProxy.start(TestRedis.url());
             RedisConnection connectionA = RedisConnection.open(direct);
             RedisConnection connectionB = RedisConnection.open(direct);
             RedisConnection messagesB = RedisConnection.open(new RedisSettings(slowMessages.url(), null,
                     Duration.ofSeconds(3)))) {
            CachingSessionStore a = node(connectionA, connectionA, prefix, INTERVAL);
            CachingSessionStore b = node(connectionB, messagesB, prefix, Duration.ofMinutes(1));
            b.loadAndTouch("AAAAAAAAAAAAAAAAAAAAAA", 1, System.currentTimeMillis()); // subscribes B's feed
            a.loadAndTouch("AAAAAAAAAAAAAAAAAAAAAA", 1, System.currentTimeMillis());
            slowMessages.delayReplies(Duration.ofMillis(700));

            for (int trial = 0; trial < 5; trial++) {
                String id = "trial" + trial + "AAAAAAAAAAAAAAAAA".substring(0, 17);
                long now = System.currentTimeMillis();
                a.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800, Map.of())));
                Poll.until(Duration.ofSeconds(5), "B caches the session", () -> {
                    b.loadAndTouch(id, 1, System.currentTimeMillis());
                    return b.loadAndTouch(id, 1, System.currentTimeMillis()).map(SessionRecord::copy).orElse(false);
                });

                long start = System.nanoTime();
                a.write(new SessionChange.Delete(id));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;

                assertEquals(Optional.empty(), b.loadAndTouch(id, 1, System.currentTimeMillis()),
                        "B served the session right after the delete returned (it took " + tookMillis + " ms)");
                assertTrue(tookMillis <= TRUST.toMillis() + 500, "the delete waited " + tookMillis + " ms");
            }
            a.close();
            b.close();
        }
    }

    @Test
    void receivers_fewerThanAnAnnouncementReachedRecently_unknownSoTheDeleteWaitsTheWholeBound() throws Exception {
        try (RedisConnection connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null,
                Duration.ofSeconds(3)))) {
            RedisInvalidationFeed feed = new RedisInvalidationFeed(connection, TestRedis.uniquePrefix("receivers"),
                    TRUST);

            assertEquals(3, feed.receivers(3));
            assertEquals(Long.MAX_VALUE, feed.receivers(2), "a node that stopped receiving may still hold a copy");
            assertEquals(4, feed.receivers(4));
            assertEquals(Long.MAX_VALUE, feed.receivers(-1), "nothing was published");
            feed.close();
        }
    }

    /**
     * A node: its near cache over its store, its feed on {@code messages}, its store's commands on {@code commands},
     * touches sent every {@code interval}; copies trusted for 1 s.
     */
    private static CachingSessionStore node(RedisConnection commands, RedisConnection messages, String prefix,
                                            Duration interval) {
        RedisInvalidationFeed feed = new RedisInvalidationFeed(messages, prefix, TRUST);
        return new CachingSessionStore(new RedisSessionStore(commands, prefix, Duration.ofSeconds(30), interval, feed,
                OptionalInt.of(0)), feed, 100, 64L << 20, Duration.ofMinutes(1), TRUST);
    }
}
