package io.sessionstore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** A key written through Redisson on a Redis Cluster is read back after its master changed. */
@NeedsRedis
class RedisClusterNodesTest {

    private static final String KEY = "failover-test";

    @TempDir
    Path temp;

    @Test
    void clusterFailover_keyStillReadable() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            RedissonClient redisson = redisson(cluster);
            try {
                int replica = writeAndReplicate(cluster, redisson);

                Duration failover = cluster.failover(replica);

                assertEquals(replica, cluster.masterPortForKey(KEY));
                System.out.printf("CLUSTER FAILOVER: new master after %d ms, read through Redisson %d ms later%n",
                        failover.toMillis(), readAfter(redisson).toMillis());
            } finally {
                redisson.shutdown();
            }
        }
    }

    @Test
    void masterKilled_keyStillReadable() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            RedissonClient redisson = redisson(cluster);
            try {
                int replica = writeAndReplicate(cluster, redisson);

                cluster.killMaster(cluster.masterPortForKey(KEY));
                Duration failover = cluster.awaitClusterOk(Duration.ofSeconds(15));

                assertEquals(replica, cluster.masterPortForKey(KEY));
                System.out.printf("Master killed: new master after %d ms, read through Redisson %d ms later%n",
                        failover.toMillis(), readAfter(redisson).toMillis());
            } finally {
                redisson.shutdown();
            }
        }
    }

    private RedissonClient redisson(RedisClusterNodes cluster) throws Exception {
        Path yaml = temp.resolve("redisson.yaml");
        cluster.redissonYaml(yaml);
        return Redisson.create(Config.fromYAML(yaml.toFile()));
    }

    /**
     * Writes the key through Redisson and waits until the replica of its master has it, so a failover cannot lose
     * it.
     *
     * @return that replica's port
     */
    private static int writeAndReplicate(RedisClusterNodes cluster, RedissonClient redisson) throws Exception {
        redisson.<String>getBucket(KEY, StringCodec.INSTANCE).set("value");
        int replica = cluster.replicaPortOf(cluster.masterPortForKey(KEY));
        try (RespClient client = new RespClient("redis://127.0.0.1:" + replica)) {
            client.call("READONLY");
            Poll.until(Duration.ofSeconds(5), "the replica has the key", () -> "value".equals(client.text("GET", KEY)));
        }
        return replica;
    }

    /** How long until Redisson reads the key again (it does not retry: each failed read is one more poll). */
    private static Duration readAfter(RedissonClient redisson) throws Exception {
        long start = System.nanoTime();
        RBucket<String> bucket = redisson.getBucket(KEY, StringCodec.INSTANCE);
        Poll.until(Duration.ofSeconds(10), "Redisson reads the key", () -> {
            try {
                return "value".equals(bucket.get());
            } catch (RedisException e) {
                return false;
            }
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
