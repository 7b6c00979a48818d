package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RedisClusterNodes;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session count of {@code /health?details}: the sizes of the expiry index sets, on one Redis and on a Redis
 * Cluster, whose sets spread over its three masters; and the round trip it reports.
 */
@NeedsRedis
class RedisSessionCountTest {

    private static final int SESSIONS = 40;

    @TempDir
    Path temp;

    @Test
    void estimate_oneRedis_everySessionWithATimeoutAndOneRoundTrip() throws Exception {
        String prefix = TestRedis.uniquePrefix("count");
        try (RedisConnection connection = RedisConnection.open(new RedisSettings(TestRedis.url(), null,
                Duration.ofMillis(800)));
             RespClient redis = new RespClient(TestRedis.url())) {
            try {
                RedisSessionCount count = new RedisSessionCount(connection, prefix);
                List<String> operations = new ArrayList<>();
                count.timeRoundTrips((operation, nanos) -> operations.add(operation));
                assertEquals(OptionalLong.of(0), count.estimate());

                writeSessions(connection, prefix);

                assertEquals(OptionalLong.of(SESSIONS), count.estimate());
                assertEquals(List.of("session_count", "session_count"), operations);
            } finally {
                redis.deleteKeys(prefix);
            }
        }
    }

    @Test
    void estimate_redisCluster_theSetsOfEveryShardSummed() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            Path yaml = temp.resolve("redisson.yaml");
            cluster.redissonYaml(yaml);
            try (RedisConnection connection = RedisConnection.open(new RedisSettings(null, yaml,
                    Duration.ofMillis(800)))) {
                RedisSessionCount count = new RedisSessionCount(connection, "count:");

                writeSessions(connection, "count:");

                assertEquals(OptionalLong.of(SESSIONS), count.estimate());
            }
        }
    }

    @Test
    void estimate_redisDown_empty() throws Exception {
        try (RedisConnection connection = RedisConnection.open(new RedisSettings("redis://127.0.0.1:1", null,
                Duration.ofMillis(200)))) {
            assertEquals(OptionalLong.empty(), new RedisSessionCount(connection, "count:").estimate());
        }
    }

    /** Sessions with a timeout, and one without, which the index does not hold; closing sends the index entries. */
    private static void writeSessions(RedisConnection connection, String prefix) {
        try (RedisSessionStore store = new RedisSessionStore(connection, prefix, Duration.ofSeconds(30),
                Duration.ofMillis(100))) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < SESSIONS; i++) {
                store.write(new SessionChange.Create(new SessionChange.Snapshot(String.format("count%017d", i), now,
                        now, 1800, Map.of())));
            }
            store.write(new SessionChange.Create(new SessionChange.Snapshot("countNeverExpires0000", now, now, 0,
                    Map.of())));
        }
    }
}
