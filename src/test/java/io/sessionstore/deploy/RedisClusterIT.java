package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisSessionStore;
import io.sessionstore.session.redis.RedisSettings;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR on two standalone Tomcat nodes behind nginx, on a three-master Redis Cluster started for the test; and two
 * {@link RedisSessionStore}s of their own on that cluster, for what the store alone does there.
 */
@NeedsRedis
class RedisClusterIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static ClusterScript cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = ClusterScript.up("it-redis-cluster", true, Map.of());
    }

    @AfterAll
    static void down() throws Exception {
        cluster.close();
    }

    @Test
    void loginAndTwentyPages_onRedisCluster_countsInOrder() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, login(browser, "cluster@example.com").statusCode());
        for (int expected = 1; expected <= 20; expected++) {
            HttpResponse<String> page = browser.get(cluster.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("cluster@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }
    }

    @Test
    void loginAgain_onRedisCluster_movesTheSessionAcrossSlotsAndDropsTheOldId() throws Exception {
        WebClient browser = new WebClient();
        login(browser, "mover@example.com");
        int visits = WebClient.visits(browser.get(cluster.url("/")));
        boolean crossedSlots = false;
        try (RespClient redis = new RespClient("redis://127.0.0.1:" + cluster.redisClusterPort(0))) {
            for (int i = 0; i < 5; i++) {
                String oldId = browser.cookie("SESSION");
                assertEquals(303, login(browser, "mover@example.com").statusCode());
                String newId = browser.cookie("SESSION");
                assertNotEquals(oldId, newId, "login gives the session a new id");
                crossedSlots |= redis.number("CLUSTER", "KEYSLOT", "s:{" + oldId + "}")
                        != redis.number("CLUSTER", "KEYSLOT", "s:{" + newId + "}");

                HttpResponse<String> page = browser.get(cluster.url("/"));
                assertEquals("mover@example.com", WebClient.email(page));
                assertEquals(++visits, WebClient.visits(page));

                WebClient attacker = new WebClient();
                attacker.setCookie(cluster.url("/"), "SESSION", oldId);
                assertEquals(303, attacker.get(cluster.url("/")).statusCode(), "the old id finds no session");
            }
        }
        assertTrue(crossedSlots, "at least one login moved the session to another slot");

        assertEquals(303, browser.post(cluster.url("/logout"), Map.of("csrf", browser.cookie("CSRF"))).statusCode());
        HttpResponse<String> after = browser.get(cluster.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", after.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void claimExpired_twoStoresAtOnceOnRedisCluster_eachExpiredSessionClaimedExactlyOnce() throws Exception {
        int sessions = 200;
        String prefix = TestRedis.uniquePrefix("cluster-claims");
        RedisSettings settings = new RedisSettings(null, cluster.path("redisson-cluster.yaml"), Duration.ofSeconds(2));
        List<RespClient> masters = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        AtomicBoolean claiming = new AtomicBoolean(true);
        // Two nodes, each with a client of its own: a grace long enough that Redis keeps every expired hash until a
        // claim, and a short interval for the index entries.
        try (RedisConnection firstConnection = RedisConnection.open(settings);
             RedisConnection secondConnection = RedisConnection.open(settings);
             RedisSessionStore first = new RedisSessionStore(firstConnection, prefix, Duration.ofSeconds(60),
                     Duration.ofMillis(100));
             RedisSessionStore second = new RedisSessionStore(secondConnection, prefix, Duration.ofSeconds(60),
                     Duration.ofMillis(100))) {
            for (int i = 0; i < 3; i++) {
                masters.add(new RespClient("redis://127.0.0.1:" + cluster.redisClusterPort(i)));
            }
            List<RedisSessionStore> stores = List.of(first, second);

            // One session that stays in use: touched by the first node, while both claim, until the end.
            long start = System.currentTimeMillis();
            String kept = newId();
            Map<String, byte[]> keptAttributes = Map.of("email", bytes("kept@example.com"));
            first.write(new SessionChange.Create(new SessionChange.Snapshot(kept, start, start, 1, keptAttributes)));
            Future<?> keeper = threads.submit(() -> {
                while (claiming.get()) {
                    first.touch(kept, System.currentTimeMillis());
                    Thread.sleep(100);
                }
                return null;
            });

            Map<String, Map<String, byte[]>> expected = new HashMap<>();
            long lastCreated = 0;
            for (int i = 0; i < sessions; i++) {
                String id = newId();
                Map<String, byte[]> attributes = Map.of("email", bytes("user" + i + "@example.com"),
                        "visits", bytes(String.valueOf(i)));
                expected.put(id, attributes);
                lastCreated = System.currentTimeMillis();
                stores.get(i % 2).write(new SessionChange.Create(
                        new SessionChange.Snapshot(id, lastCreated, lastCreated, 1, attributes)));
            }

            for (int i = 0; i < masters.size(); i++) {
                assertFalse(masters.get(i).keys(prefix + "session:").isEmpty(),
                        "the sessions are spread over all three masters, so over master " + i);
            }
            Set<Integer> indexMasters = new HashSet<>();
            for (int group = 0; group < 16; group++) {
                indexMasters.add(owner(masters, prefix + "expiries:{" + group + "}"));
            }
            assertEquals(3, indexMasters.size(), "the expiry index groups are spread over all three masters");

            Poll.until(Duration.ofSeconds(5), "every session indexed by the background sends",
                    () -> indexed(masters, prefix) == sessions + 1);
            for (int group = 0; group < 16; group++) {
                String index = prefix + "expiries:{" + group + "}";
                assertTrue((Long) onOwner(masters, "ZCARD", index) > 0, "index group " + group + " is used");
            }
            long expiredAt = lastCreated + 1_000;
            Poll.until(Duration.ofSeconds(5), "every session but the kept one expired",
                    () -> System.currentTimeMillis() > expiredAt);

            Map<String, List<SessionRecord>> claimedBy = new ConcurrentHashMap<>();
            CyclicBarrier together = new CyclicBarrier(2);
            AtomicInteger total = new AtomicInteger();
            List<Future<?>> claimers = new ArrayList<>();
            for (int node = 0; node < 2; node++) {
                RedisSessionStore store = stores.get(node);
                List<SessionRecord> claimed = new CopyOnWriteArrayList<>();
                claimedBy.put("node" + (node + 1), claimed);
                claimers.add(threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    // A call that lost every one of its sessions to the other node returns nothing while some are
                    // left: both go on until all were claimed between them.
                    while (total.get() < sessions) {
                        List<SessionRecord> batch = store.claimExpired(System.currentTimeMillis(), 10);
                        claimed.addAll(batch);
                        total.addAndGet(batch.size());
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("not all claimed within 30 s: " + total.get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> claimer : claimers) {
                claimer.get(60, TimeUnit.SECONDS);
            }

            List<SessionRecord> all = new ArrayList<>();
            claimedBy.values().forEach(all::addAll);
            Map<String, Integer> times = new HashMap<>();
            all.forEach(record -> times.merge(record.id(), 1, Integer::sum));
            times.forEach((id, count) -> assertEquals(1, count, "claimed once: " + id));
            assertEquals(expected.keySet(), times.keySet(), "every expired session claimed, and only those");
            assertEquals(sessions, all.size());
            assertFalse(times.containsKey(kept), "the touched session is not claimed");
            // Nothing is left: a last call of each finds nothing.
            for (RedisSessionStore store : stores) {
                assertEquals(List.of(), store.claimExpired(System.currentTimeMillis(), 10), "a last claim");
            }
            claiming.set(false);
            keeper.get(10, TimeUnit.SECONDS);
            for (SessionRecord record : all) {
                assertEquals(1, record.maxInactiveSeconds(), "timeout of " + record.id());
                assertEquals(hex(expected.get(record.id())), hex(record.attributes()),
                        "attributes of " + record.id());
            }
            System.out.printf("RedisClusterIT: claims on the Redis Cluster: node1 %d, node2 %d%n",
                    claimedBy.get("node1").size(), claimedBy.get("node2").size());

            List<String> left = new ArrayList<>();
            for (RespClient master : masters) {
                left.addAll(master.keys(prefix + "session:"));
            }
            assertEquals(List.of(first.key(kept)), left, "only the kept session's hash is left in Redis");
            assertEquals(1, indexed(masters, prefix), "only the kept session is left in the index");
            SessionRecord keptRecord = second.loadAndTouch(kept, -1, System.currentTimeMillis()).orElseThrow();
            assertEquals(hex(keptAttributes), hex(keptRecord.attributes()), "the kept session still loads whole");
            first.write(new SessionChange.Delete(kept));
        } finally {
            claiming.set(false);
            threads.shutdownNow();
            for (RespClient master : masters) {
                master.deleteKeys(prefix);
                master.close();
            }
        }
    }

    /** The number of entries in all expiry index groups of {@code prefix}, over the masters. */
    private static long indexed(List<RespClient> masters, String prefix) throws IOException {
        long entries = 0;
        for (int group = 0; group < 16; group++) {
            entries += (Long) onOwner(masters, "ZCARD", prefix + "expiries:{" + group + "}");
        }
        return entries;
    }

    /** The index, in {@code masters}, of the master that serves {@code key}. */
    private static int owner(List<RespClient> masters, String key) throws IOException {
        for (int i = 0; i < masters.size(); i++) {
            try {
                masters.get(i).call("TYPE", key);
                return i;
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("MOVED")) {
                    throw e;
                }
            }
        }
        throw new AssertionError("no master serves " + key);
    }

    /** A command on the master that serves its key, the second argument. */
    private static Object onOwner(List<RespClient> masters, Object... command) throws IOException {
        return masters.get(owner(masters, (String) command[1])).call(command);
    }

    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> hex(Map<String, byte[]> attributes) {
        Map<String, String> hex = new TreeMap<>();
        attributes.forEach((name, value) -> hex.put(name, HexFormat.of().formatHex(value)));
        return hex;
    }

    private static HttpResponse<String> login(WebClient browser, String email) throws Exception {
        browser.get(cluster.url("/login"));
        return browser.post(cluster.url("/login"), Map.of("email", email, "csrf", browser.cookie("CSRF")));
    }
}
