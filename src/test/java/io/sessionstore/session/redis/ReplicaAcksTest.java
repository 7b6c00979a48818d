package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RBatch;
import org.redisson.client.codec.StringCodec;

/**
 * Replica acknowledgements on a single server with a replica attached: {@code auto} never waits there (no client
 * fails over to it, and anything that speaks the replication protocol, a backup with {@code redis-cli --rdb}, shows as
 * a replica); a number waits, and a write too few replicas confirm fails with the reason. The Sentinel and Cluster
 * cases are in {@link FailoverTest}.
 */
@NeedsRedis
class ReplicaAcksTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private static PrivateRedis master;
    private static PrivateRedis replica;
    private static RedisConnection connection;

    @BeforeAll
    static void start() throws Exception {
        master = PrivateRedis.start();
        replica = PrivateRedis.start();
        try (RespClient toReplica = replica.client()) {
            toReplica.call("REPLICAOF", "127.0.0.1", master.url().substring(master.url().lastIndexOf(':') + 1));
            Poll.until(Duration.ofSeconds(10), "the replica linked",
                    () -> toReplica.text("INFO", "replication").contains("master_link_status:up"));
        }
        connection = RedisConnection.open(new RedisSettings(master.url(), null, TIMEOUT));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {connection, replica, master}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void auto_singleServerWithAReplica_neverWaits() {
        ReplicaAcks auto = new ReplicaAcks(connection, OptionalInt.empty());
        assertEquals(0, auto.required());
        auto.write(List.of(), set("auto"));
        assertEquals("value", stored("auto"));
    }

    @Test
    void one_replicaLinked_writeConfirmed() {
        new ReplicaAcks(connection, OptionalInt.of(1)).write(List.of(), set("one"));
        assertEquals("value", stored("one"));
    }

    @Test
    void two_oneReplicaOnly_refusedNamingTheShortfallWithinHalfTheTimeout() {
        long start = System.nanoTime();
        SessionStoreUnavailableException refused = assertThrows(SessionStoreUnavailableException.class,
                () -> new ReplicaAcks(connection, OptionalInt.of(2)).write(List.of(), set("two")));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("Write confirmed by 1 of 2 replicas within 400 ms", refused.getMessage());
        assertTrue(tookMillis >= 400 && tookMillis < TIMEOUT.toMillis() + 200, "took " + tookMillis + " ms");
    }

    private static Object stored(String key) {
        return connection.client().getBucket("replica-acks:" + key, StringCodec.INSTANCE).get();
    }

    private static Consumer<RBatch> set(String key) {
        return batch -> batch.getBucket("replica-acks:" + key, StringCodec.INSTANCE).setAsync("value");
    }
}
