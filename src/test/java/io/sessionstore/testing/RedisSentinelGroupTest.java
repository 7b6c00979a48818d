package io.sessionstore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

/** A key written through Redisson on a sentinel group is read back after the master changed. */
@NeedsRedis
class RedisSentinelGroupTest {

    private static final String KEY = "failover-test";

    @TempDir
    Path temp;

    @Test
    void sentinelFailover_keyStillReadable() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start("sessions")) {
            RedissonClient redisson = redisson(group);
            try {
                int master = group.masterPort();
                writeAndReplicate(group, redisson);

                Duration failover = group.failover();

                assertNotEquals(master, group.masterPort());
                System.out.printf("SENTINEL FAILOVER: new master after %d ms, read through Redisson %d ms later%n",
                        failover.toMillis(), readAfter(redisson).toMillis());
            } finally {
                redisson.shutdown();
            }
        }
    }

    @Test
    void masterKilled_keyStillReadable_killedServerRejoinsAsReplica() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start("sessions")) {
            RedissonClient redisson = redisson(group);
            try {
                writeAndReplicate(group, redisson);

                int killed = group.killMaster();
                Duration failover = group.awaitMasterChange(Duration.ofSeconds(15));

                assertNotEquals(killed, group.masterPort());
                System.out.printf("Master killed: new master after %d ms, read through Redisson %d ms later%n",
                        failover.toMillis(), readAfter(redisson).toMillis());
                group.restartKilledAsReplica();
                assertEquals(killed, group.replicaPort());
            } finally {
                redisson.shutdown();
            }
        }
    }

    private RedissonClient redisson(RedisSentinelGroup group) throws Exception {
        Path yaml = temp.resolve("redisson.yaml");
        group.redissonYaml(yaml);
        return Redisson.create(Config.fromYAML(yaml.toFile()));
    }

    /** Writes the key through Redisson and waits until the replica has it, so a failover cannot lose it. */
    private static void writeAndReplicate(RedisSentinelGroup group, RedissonClient redisson) throws Exception {
        redisson.<String>getBucket(KEY, StringCodec.INSTANCE).set("value");
        try (RespClient replica = new RespClient("redis://127.0.0.1:" + group.replicaPort())) {
            Poll.until(Duration.ofSeconds(5), "the replica has the key", () -> "value".equals(replica.text("GET", KEY)));
        }
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
