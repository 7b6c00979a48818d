package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.cache.InvalidationFeed;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RedisClusterNodes;
import io.sessionstore.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store on a Redis Cluster of three masters with a replica each (which confirm every write). Announcements go on
 * sharded channels: each change reaches every subscribed node once and crosses the cluster bus only within its shard
 * (a {@code PUBLISH} goes to every node of the cluster); a channel whose slot moves, or whose master fails, is
 * subscribed again within seconds; and changes of sessions on healthy shards go on while the shard of their channel
 * fails over. A principal's index lists its sessions from every shard. Prints the figures.
 */
@NeedsRedis
class RedisClusterStoreTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final Duration TRUST = Duration.ofSeconds(1);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(500);

    private static RedisClusterNodes cluster;
    private static Path yaml;

    @BeforeAll
    static void up() throws Exception {
        cluster = RedisClusterNodes.start();
        yaml = Files.createTempFile("session-store-sharded-", ".yaml");
        cluster.redissonYaml(yaml);
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Files.deleteIfExists(yaml);
    }

    @Test
    void changes_eightNodesThreeShards_eachNodeReceivesEachOnceAndTheBusCarriesThemWithinTheShard() throws Exception {
        String prefix = "sharded-" + UUID.randomUUID() + ":";
        int changes = 0;
        int deletes = 0;
        List<Long> deleteMillis = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                nodes.add(Node.start(prefix));
            }
            Node writer = nodes.get(0);
            long busBefore = cluster.busMessagesSent();
            for (int i = 0; i < 100; i++) {
                String id = "s" + i + "-" + UUID.randomUUID();
                long now = System.currentTimeMillis();
                writer.store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800,
                        Map.of())));
                writer.store.write(new SessionChange.Update(id, Map.of("n", new byte[] {1}), Set.of(),
                        OptionalInt.empty()));
                long start = System.nanoTime();
                writer.store.write(new SessionChange.Delete(id));
                deleteMillis.add((System.nanoTime() - start) / 1_000_000);
                changes += 2;
                deletes++;
            }
            int expected = changes;
            Poll.until(Duration.ofSeconds(10), "every node received every change",
                    () -> nodes.stream().allMatch(node -> node.received.get() >= expected));
            long bus = cluster.busMessagesSent() - busBefore;

            long broadcast = publishedOverTheBus(100);
            deleteMillis.sort(null);
            long medianDelete = deleteMillis.get(deleteMillis.size() / 2);
            int acks = deletes * (nodes.size() - 1); // the deleting node acknowledges to itself
            System.out.printf("8 nodes, 3 shards: each node received %.2f messages per change; the cluster bus "
                            + "carried %d messages for %d changes and %d acknowledgements of deletes (a PUBLISH: "
                            + "%.2f); a delete waited for its 8 acknowledgements %d ms (median)%n",
                    nodes.stream().mapToInt(n -> n.received.get()).average().orElseThrow() / changes, bus, changes,
                    acks, broadcast / 100.0, medianDelete);
            for (Node node : nodes) {
                assertEquals(changes, node.received.get(), "announcements received by one node");
            }
            // Each SPUBLISH crosses the bus once, to its master's replica: the changes' and the acknowledgements'.
            assertEquals(changes + acks, bus, "bus messages for " + changes + " changes and " + acks
                    + " acknowledgements");
            assertTrue(broadcast >= 400, "bus messages for 100 PUBLISHes: " + broadcast);
            assertTrue(medianDelete < TRUST.toMillis() / 2,
                    "deletes waited " + medianDelete + " ms: not every acknowledgement was counted");
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void slotOfAChannelMoved_subscribedAgainAndChangesReachEveryNode() throws Exception {
        String prefix = "moved-" + UUID.randomUUID() + ":";
        try (Node a = Node.start(prefix); Node b = Node.start(prefix)) {
            String id = idOnChannel(a.format, 0);
            String channel = a.format.channel(id);
            int from = cluster.masterPortForKey(channel);
            int to = cluster.masterPorts().stream().filter(port -> port != from).findFirst().orElseThrow();
            long now = System.currentTimeMillis();
            a.store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800, Map.of())));

            cluster.moveSlot(channel, to);
            long moved = System.nanoTime();
            long back = untilChangesReachBoth(a, b, id, Duration.ofSeconds(10));

            System.out.printf("Slot of a channel moved: changes on it reach every node again %d ms later%n",
                    (back - moved) / 1_000_000);
            assertEquals(to, cluster.masterPortForKey(channel));
            assertTrue(back - moved <= Duration.ofSeconds(3).toNanos(),
                    "back " + (back - moved) / 1_000_000 + " ms after the move");
        }
    }

    @Test
    void masterOfAChannelKilled_changesOnHealthyShardsGoOnAndTheChannelComesBack() throws Exception {
        String prefix = "killed-" + UUID.randomUUID() + ":";
        try (Node a = Node.start(prefix); Node b = Node.start(prefix)) {
            int group = 3;
            int master = cluster.masterPortForKey(a.format.channels().get(group));
            List<String> ids = new ArrayList<>();
            while (ids.size() < 4) {
                String id = idOnChannel(a.format, group);
                if (cluster.masterPortForKey(a.store.key(id)) != master) {
                    long now = System.currentTimeMillis();
                    a.store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800, Map.of())));
                    ids.add(id);
                }
            }

            cluster.killMaster(master);
            long killed = System.nanoTime();
            List<Long> took = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                long start = System.nanoTime();
                a.store.write(i % 2 == 0 ? new SessionChange.Delete(ids.get(i))
                        : new SessionChange.Update(ids.get(i), Map.of("n", new byte[] {1}), Set.of(),
                        OptionalInt.empty()));
                took.add((System.nanoTime() - start) / 1_000_000);
            }
            assertTrue(System.nanoTime() - killed < Duration.ofSeconds(2).toNanos() * ids.size(),
                    "the writes took " + took + " ms");
            cluster.awaitClusterOk(Duration.ofSeconds(20));
            long back = untilChangesReachBoth(a, b, ids.get(1), Duration.ofSeconds(15));
            System.out.printf("Master of a channel killed: changes of sessions on other shards took %s ms "
                    + "meanwhile; changes on the channel reach every node again %d ms after the kill%n", took,
                    (back - killed) / 1_000_000);
            for (long millis : took) {
                assertTrue(millis <= TIMEOUT.toMillis() + TRUST.toMillis() + 700, "a change took " + millis + " ms");
            }
            cluster.restartKilled(master);
        }
    }

    @Test
    void sessionsOf_principalsSessionsOnEveryShard_listedFromAnotherNodeAfterDeletesAndAnIdChange() throws Exception {
        String prefix = "indexed-" + UUID.randomUUID() + ":";
        try (Node a = Node.start(prefix); Node b = Node.start(prefix)) {
            long now = System.currentTimeMillis();
            List<String> ids = new ArrayList<>();
            Set<Integer> masters = new HashSet<>();
            while (ids.size() < 9 || masters.size() < 3) {
                String id = UUID.randomUUID().toString().replace("-", "");
                a.store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now + ids.size(),
                        now, 1800, Map.of(), "nora@example.com")));
                ids.add(id);
                masters.add(cluster.masterPortForKey(a.store.key(id)));
            }
            a.store.write(new SessionChange.Delete(ids.get(0)));
            a.store.write(new SessionChange.Delete(ids.get(1)));
            String renamed = UUID.randomUUID().toString().replace("-", "");
            a.store.write(new SessionChange.Rename(ids.get(2), new SessionChange.Snapshot(renamed, now + 2, now, 1800,
                    Map.of(), "nora@example.com")));

            List<String> listed = b.store.sessionsOf("nora@example.com").stream()
                    .map(SessionRecord::id).toList();

            List<String> expected = new ArrayList<>(ids.subList(3, ids.size()));
            expected.add(0, renamed);
            assertEquals(expected, listed, "oldest first, from every shard");
            assertTrue(b.announced.contains(ids.get(0) + " 0"), "the deletes were announced");
        }
    }

    @Test
    void send_touchesAndVersionLookupsOnEveryShard_eachSessionItsOwnScript() throws Exception {
        String prefix = "touched-" + UUID.randomUUID() + ":";
        try (Node a = Node.start(prefix)) {
            long now = System.currentTimeMillis();
            List<String> ids = new ArrayList<>();
            Set<Integer> masters = new HashSet<>();
            while (ids.size() < 6 || masters.size() < 3) {
                String id = UUID.randomUUID().toString().replace("-", "");
                a.store.write(new SessionChange.Create(new SessionChange.Snapshot(id, now, now, 1800, Map.of())));
                ids.add(id);
                masters.add(cluster.masterPortForKey(a.store.key(id)));
            }
            String gone = ids.get(ids.size() - 1);
            a.store.write(new SessionChange.Delete(gone));
            List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            a.store.addTouchListener((id, version, sentAt) -> told.add(id + " " + version));
            List<String> touched = ids.subList(0, 2);
            touched.forEach(id -> a.store.touch(id, now + 5));
            a.store.confirmVersions(at -> ids);

            a.store.send();

            Set<String> expected = new HashSet<>();
            ids.forEach(id -> expected.add(id + (id.equals(gone) ? " 0" : " 1")));
            assertEquals(expected, Set.copyOf(told));
            assertEquals(ids.size(), told.size(), "each session once: the touched ones by their touch");
            try (RespClient master = new RespClient("redis://127.0.0.1:"
                    + cluster.masterPortForKey(a.store.key(ids.get(0))))) {
                assertEquals(String.valueOf(now + 5), master.text("HGET", a.store.key(ids.get(0)), "a"));
            }
            try (RespClient master = new RespClient("redis://127.0.0.1:"
                    + cluster.masterPortForKey(a.store.key(ids.get(2))))) {
                assertEquals(String.valueOf(now), master.text("HGET", a.store.key(ids.get(2)), "a"),
                        "a lookup is no access");
            }
        }
    }

    /**
     * Updates session {@code id} through {@code a} every 100 ms until both nodes' feeds are subscribed and received
     * the update's announcement.
     *
     * @return {@link System#nanoTime()} when they had
     */
    private static long untilChangesReachBoth(Node a, Node b, String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long version;
            try {
                version = ((WriteResult.Written) a.store.write(new SessionChange.Update(id,
                        Map.of("n", new byte[] {1}), Set.of(), OptionalInt.empty()))).version();
            } catch (SessionStoreUnavailableException e) {
                Thread.sleep(100);
                continue;
            }
            Thread.sleep(100);
            if (a.subscribed && b.subscribed && a.announced.contains(id + " " + version)
                    && b.announced.contains(id + " " + version)) {
                return System.nanoTime();
            }
        }
        throw new AssertionError("changes did not reach both nodes within " + timeout);
    }

    /** PUBLISHes {@code count} messages on one node; returns the bus messages that cost. */
    private static long publishedOverTheBus(int count) throws IOException {
        long before = cluster.busMessagesSent();
        try (RespClient client = new RespClient("redis://127.0.0.1:" + cluster.masterPorts().get(0))) {
            for (int i = 0; i < count; i++) {
                client.call("PUBLISH", "unsharded-" + UUID.randomUUID(), "x");
            }
        }
        return cluster.busMessagesSent() - before;
    }

    private static String idOnChannel(RedisSessionFormat format, int group) {
        while (true) {
            String id = UUID.randomUUID().toString().replace("-", "");
            if (format.channel(id).equals(format.channels().get(group))) {
                return id;
            }
        }
    }

    /** An application node: its connection, feed and store, and what its feed told it. */
    private static final class Node implements AutoCloseable, InvalidationFeed.Listener {
        final RedisConnection connection;
        final RedisInvalidationFeed feed;
        final RedisSessionStore store;
        final RedisSessionFormat format;
        /** Each announcement received, as {@code "<id> <version>"}. */
        final Set<String> announced = ConcurrentHashMap.newKeySet();
        final AtomicInteger received = new AtomicInteger();
        volatile boolean subscribed;
        private volatile boolean closed;

        private Node(String prefix) throws IOException {
            connection = RedisConnection.open(new RedisSettings(null, yaml, TIMEOUT));
            feed = new RedisInvalidationFeed(connection, prefix, TRUST);
            store = new RedisSessionStore(connection, prefix, GRACE, INTERVAL, feed, OptionalInt.empty());
            format = new RedisSessionFormat(prefix, 0, 0, true);
        }

        /** A node whose feed is subscribed. */
        static Node start(String prefix) throws Exception {
            Node node = new Node(prefix);
            assertTrue(node.connection.cluster());
            Thread keeper = new Thread(() -> {
                while (!node.closed) {
                    node.feed.subscribe(node); // as the near cache does before each lookup
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            keeper.setDaemon(true);
            keeper.start();
            Poll.until(Duration.ofSeconds(10), "the feed is subscribed", () -> node.subscribed);
            return node;
        }

        @Override
        public void subscribed() {
            subscribed = true;
        }

        @Override
        public void lost() {
            subscribed = false;
        }

        @Override
        public void announced(String id, long version) {
            announced.add(id + " " + version);
            received.incrementAndGet();
        }

        @Override
        public void close() {
            closed = true;
            store.close();
            feed.close();
            connection.close();
        }
    }
}
