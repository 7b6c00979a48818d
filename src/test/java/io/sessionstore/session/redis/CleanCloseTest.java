package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.InternalThreadLocalMap;
import io.sessionstore.session.cache.InvalidationFeed;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.TestRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing the feed and the client, as a web application's stop does, leaves none of Netty's per-thread state on the
 * stopping thread: Tomcat checks every thread when an application stops and reports a thread-local whose value is a
 * class of the application (Netty, in {@code WEB-INF/lib}) as a leak, with a {@code SEVERE} line.
 */
@NeedsRedis
class CleanCloseTest {

    @Test
    void close_feedThenClientOnTheStoppingThread_noNettyThreadLocalLeftOnIt() throws Exception {
        RedisConnection connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null,
                Duration.ofMillis(800)));
        RedisInvalidationFeed feed = new RedisInvalidationFeed(connection, TestRedis.uniquePrefix("close"),
                Duration.ofSeconds(1));
        CountDownLatch subscribed = new CountDownLatch(1);
        feed.subscribe(new InvalidationFeed.Listener() {
            @Override
            public void subscribed() {
                subscribed.countDown();
            }

            @Override
            public void lost() {
            }

            @Override
            public void announced(String id, long version) {
            }
        });
        assertTrue(subscribed.await(10, TimeUnit.SECONDS), "subscribed");

        InternalThreadLocalMap left = CompletableFuture.supplyAsync(() -> {
            feed.close();
            connection.close();
            return InternalThreadLocalMap.getIfSet();
        }, runnable -> new Thread(runnable, "stopping").start()).get(30, TimeUnit.SECONDS);

        assertNull(left, "Netty's map left on the stopping thread");
    }
}
