package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.app.VisitCounter;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RedisClusterNodes;
import io.sessionstore.testing.RedisSentinelGroup;
import io.sessionstore.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failovers under load, with session writes confirmed by a replica ({@code WAIT}, on by default where the topology
 * has replicas): nothing the store acknowledged is lost. Two writer threads create sessions, log every other one out
 * at once, and count up an attribute of a session each, and a third counts visits with the demo's counter, while a
 * Sentinel group or a three-master Redis Cluster with a replica each fails over, by command and by a killed master
 * (restarted at once, as a supervisor would: it comes back as a replica). Afterwards every acknowledged session
 * loads, every counter (the visits too) holds at least its last acknowledged value, and on the Cluster only sessions
 * of the shard that failed over were refused, whatever the shard of the channel their changes are announced on.
 * Prints how long writes failed.
 */
@NeedsRedis
class FailoverTest {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int WRITERS = 2;

    @TempDir
    Path temp;

    @Test
    void sentinelFailover_noAcknowledgedWriteLost() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start("sessions")) {
            Path yaml = temp.resolve("redisson.yaml");
            group.redissonYaml(yaml);
            underLoad("SENTINEL FAILOVER", yaml, group::failover, null);
        }
    }

    @Test
    void sentinelMasterKilled_noAcknowledgedWriteLost() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start("sessions")) {
            Path yaml = temp.resolve("redisson.yaml");
            group.redissonYaml(yaml);
            underLoad("Sentinel, master killed and restarted", yaml, () -> {
                group.killMaster();
                group.awaitMasterChange(Duration.ofSeconds(20));
                group.restartKilledAsReplica(); // until then, the new master has no replica to confirm writes
            }, null);
        }
    }

    @Test
    void clusterFailover_noAcknowledgedWriteLost() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            Path yaml = temp.resolve("redisson.yaml");
            cluster.redissonYaml(yaml);
            int replica = cluster.replicaPortOf(cluster.masterPortForKey("any"));
            underLoad("CLUSTER FAILOVER", yaml, () -> cluster.failover(replica), key -> servedBy(cluster, key, replica));
        }
    }

    @Test
    void clusterMasterKilled_noAcknowledgedWriteLost() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            Path yaml = temp.resolve("redisson.yaml");
            cluster.redissonYaml(yaml);
            int master = cluster.masterPortForKey("any");
            int replica = cluster.replicaPortOf(master);
            underLoad("Cluster, master killed and restarted", yaml, () -> {
                cluster.killMaster(master);
                cluster.awaitClusterOk(Duration.ofSeconds(20));
                cluster.restartKilled(master); // until then, the new master has no replica to confirm writes
            }, key -> servedBy(cluster, key, replica));
        }
    }

    /**
     * Writes for 1 s, runs {@code failover}, writes on for 3 s after it returned, then checks every acknowledged
     * write with a new client, and that every session a write was refused for lives on the shard that failed over.
     *
     * @param failedShard whether a key is on the shard that failed over, by its slot's master now; null when there
     *                    is one shard
     */
    private static void underLoad(String what, Path yaml, Failover failover, KeyCheck failedShard)
            throws Exception {
        String prefix = TestRedis.uniquePrefix("failover");
        RedisSettings settings = new RedisSettings(null, yaml, Duration.ofMillis(800));
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        AtomicLong visitsAcknowledged = new AtomicLong();
        Map<String, Long> counted = new ConcurrentHashMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong firstFailure = new AtomicLong();
        AtomicLong lastFailure = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (RedisConnection connection = RedisConnection.open(settings)) {
            // The topology as Redis gossips it reaches every node a moment after the cluster is formed.
            Poll.until(Duration.ofSeconds(10), "auto sees the replicas, so that writes wait for one",
                    () -> new ReplicaAcks(connection, OptionalInt.empty()).required() == 1);
            RedisSessionStore store = new RedisSessionStore(connection, prefix, GRACE, INTERVAL, null,
                    OptionalInt.empty());
            VisitCounter visits = new VisitCounter(connection, new ReplicaAcks(connection, OptionalInt.empty()),
                    prefix, 600);
            List<Thread> writers = new ArrayList<>();
            Thread visitor = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        visitsAcknowledged.set(visits.recordVisit("failover@example.com"));
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            visitor.start();
            writers.add(visitor);
            for (int w = 0; w < WRITERS; w++) {
                Thread writer = new Thread(() -> {
                    String counter = null;
                    long count = 0;
                    boolean logout = false;
                    while (!stop.get()) {
                        long now = System.currentTimeMillis();
                        String writing = null;
                        try {
                            if (counter == null) {
                                writing = newId();
                                store.write(new SessionChange.Create(new SessionChange.Snapshot(writing, now, now,
                                        1800, Map.of("count", bytes(0)))));
                                counter = writing;
                                counted.put(counter, 0L);
                            } else {
                                writing = counter;
                                store.write(new SessionChange.Update(counter, Map.of("count", bytes(count + 1)),
                                        Set.of(), OptionalInt.empty()));
                                counted.put(counter, ++count);
                            }
                            writing = newId();
                            store.write(new SessionChange.Create(new SessionChange.Snapshot(writing, now, now, 1800,
                                    Map.of())));
                            // Every other new session is logged out at once.
                            logout = !logout;
                            if (logout) {
                                store.write(new SessionChange.Delete(writing));
                            } else {
                                created.add(writing);
                            }
                        } catch (SessionStoreUnavailableException e) {
                            refused.add(writing);
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(0, System.nanoTime());
                            lastFailure.set(System.nanoTime());
                        }
                    }
                });
                writer.start();
                writers.add(writer);
            }
            Thread.sleep(1_000);
            long start = System.nanoTime();
            failover.run();
            long failedOver = System.nanoTime();
            Thread.sleep(3_000);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(10_000);
                assertTrue(!writer.isAlive(), "a writer still runs");
            }
            store.close();
            System.out.printf("%s: failover took %d ms; %d acknowledged sessions, %d counter updates; %d writes"
                            + " failed, from %d ms to %d ms after it began%n", what, (failedOver - start) / 1_000_000,
                    created.size(), counted.values().stream().mapToLong(Long::longValue).sum(), failed.get(),
                    firstFailure.get() == 0 ? 0 : (firstFailure.get() - start) / 1_000_000,
                    lastFailure.get() == 0 ? 0 : (lastFailure.get() - start) / 1_000_000);
        }

        try (RedisConnection connection = RedisConnection.open(settings)) {
            RedisSessionStore reader = new RedisSessionStore(connection, prefix, GRACE, INTERVAL);
            long now = System.currentTimeMillis();
            List<String> lost = new ArrayList<>();
            for (String id : created) {
                if (reader.loadAndTouch(id, -1, now).isEmpty()) {
                    lost.add(id);
                }
            }
            assertEquals(0, lost.size(), "acknowledged sessions lost (of " + created.size() + "), such as "
                    + lost.subList(0, Math.min(3, lost.size())));
            assertTrue(created.size() > 10, "writes acknowledged: " + created.size());
            long visitsStored = Long.parseLong(connection.client().<String, String>getMap(prefix
                    + "visits:failover@example.com", StringCodec.INSTANCE).get("count"));
            assertTrue(visitsStored >= visitsAcknowledged.get(), "visits " + visitsStored + ", acknowledged "
                    + visitsAcknowledged.get());
            counted.forEach((id, count) -> {
                SessionRecord record = reader.loadAndTouch(id, -1, now).orElseThrow();
                long stored = Long.parseLong(new String(record.attributes().get("count"), StandardCharsets.UTF_8));
                assertTrue(stored >= count, "counter " + stored + ", acknowledged " + count);
            });
            reader.close();
            if (failedShard != null) {
                for (String id : refused) {
                    assertTrue(failedShard.test(reader.key(id)), "a session on a healthy shard was refused");
                }
            }
        }
    }

    private static boolean servedBy(RedisClusterNodes cluster, String key, int port) throws Exception {
        return cluster.masterPortForKey(key) == port;
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    private static String newId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @FunctionalInterface
    private interface Failover {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface KeyCheck {
        boolean test(String key) throws Exception;
    }
}
