package io.sessionstore.session.redis;

import io.sessionstore.session.store.SessionStoreUnavailableException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.api.redisnode.RedisSentinel;
import org.redisson.api.redisnode.RedisSentinelMasterSlave;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many replicas must acknowledge a session write before it counts as done, and the {@code WAIT} that asks them.
 *
 * <p>Redis replicates asynchronously: a master that acknowledged a write and fails before sending it on takes the
 * write with it, and a failover (Sentinel's or Cluster's) then serves the session as it was before, or not at all.
 * {@code WAIT numreplicas timeout} blocks until the writes sent before it on the same connection reached that many
 * replicas, or the timeout passed, and answers how many did (Redis documentation of {@code WAIT}). Sent in the
 * write's own pipelined batch, it costs no extra round trip, only the replica's delay. A write that too few replicas
 * confirm fails as unavailable (503): it may survive or not, but it was never acknowledged to the user.
 *
 * <p>{@code auto} asks for one replica from the moment the topology has replicas a failover can promote (a Sentinel
 * group whose sentinels know a replica of the master that is not down, a Cluster whose every slot range has a
 * replica; never a single server), looked at by a write every 5 s until then; and keeps asking after that. It never goes back to none by itself: the moment replicas disconnect is the moment a
 * failover may drop what a master acknowledges alone (a master whose replica was just promoted still takes writes
 * until it is told). So a master that lost its replica for good refuses session writes until it has one again, or
 * until the setting says 0. Thread-safe.
 */
public final class ReplicaAcks {

    private static final Logger log = LoggerFactory.getLogger(ReplicaAcks.class);
    private static final long TOPOLOGY_CHECK_NANOS = 5_000_000_000L;

    private final RedisConnection connection;
    private final RedissonClient client;
    private final OptionalInt configured;
    private final Duration timeout;
    private final boolean cluster;
    private volatile int fromTopology;
    /** When the topology was last looked at; at first, long enough ago for the first write to look. */
    private volatile long checkedAtNanos = System.nanoTime() - TOPOLOGY_CHECK_NANOS - 1;
    private volatile boolean warned;

    /**
     * Starts nothing: the topology is first looked at by the first write.
     *
     * @param configured the replicas to wait for, 0 to 16 ({@code SESSION_REPLICA_ACKS}); empty for {@code auto}.
     *                   {@code WAIT} blocks for at most half the connection's timeout
     */
    public ReplicaAcks(RedisConnection connection, OptionalInt configured) {
        this.connection = connection;
        this.client = connection.client();
        this.configured = configured;
        this.timeout = connection.timeout().dividedBy(2);
        this.cluster = client.getConfig().isClusterConfig();
    }

    /**
     * Runs a write's commands as one pipelined batch ({@link RedisConnection#batch}), followed in the same round trip
     * by a {@code WAIT} for the replicas that must confirm it.
     *
     * @param scripts the scripts {@code fill} runs, loaded again when Redis has forgotten them
     * @return the commands' answers, in order
     * @throws SessionStoreUnavailableException when too few replicas confirmed the write in time: it was applied on
     *                                          the master and may or may not survive a failover
     * @throws org.redisson.client.RedisException when Redis does not answer or refuses a command
     */
    public List<?> write(Collection<String> scripts, Consumer<RBatch> fill) {
        int required = required();
        BatchResult<?> result = connection.batch(options(required), scripts, fill);
        check(result, required);
        return result.getResponses();
    }

    /** The replicas the next write waits for: 0 for none. */
    int required() {
        if (configured.isPresent()) {
            return configured.getAsInt();
        }
        if (fromTopology == 0 && System.nanoTime() - checkedAtNanos > TOPOLOGY_CHECK_NANOS) {
            checkTopology();
        }
        return fromTopology;
    }

    /**
     * Whether this is a Redis Cluster, where one batch's {@code WAIT}s go to each master it wrote to and Redisson
     * adds their answers up: a write of two keys then waits for each key in a batch of its own.
     */
    boolean perKey() {
        return cluster;
    }

    /** A batch's options: with a {@code WAIT} for {@code required} replicas when there are any to wait for. */
    private BatchOptions options(int required) {
        BatchOptions options = BatchOptions.defaults().executionMode(BatchOptions.ExecutionMode.IN_MEMORY);
        return required == 0 ? options : options.sync(required, timeout);
    }

    /** @throws SessionStoreUnavailableException when fewer than {@code required} replicas confirmed the batch */
    private void check(BatchResult<?> result, int required) {
        if (required > 0 && result.getSyncedSlaves() < required) {
            throw new SessionStoreUnavailableException("Write confirmed by " + result.getSyncedSlaves()
                    + " of " + required + " replicas within " + timeout.toMillis() + " ms", null);
        }
    }

    /**
     * Whether the topology has replicas to fail over to, as the client's topology sees them: Redis Cluster's own
     * ({@code CLUSTER SLOTS}: every slot range served by a replica too), or Sentinel's list of the master's replicas
     * (one not down). A single
     * server gets none, whatever connects to it as a replica ({@code redis-cli --rdb} does): no client fails over to
     * it, so a {@code WAIT} would protect nothing. A topology that cannot be read (an ACL without the
     * {@code SENTINEL} command, a sentinel away) counts as none for now, with one warning, and is read again later.
     */
    private void checkTopology() {
        try {
            fromTopology = replicasToFailOverTo() ? 1 : 0;
        } catch (RedisException e) {
            if (!warned) {
                warned = true;
                log.warn("SESSION_REPLICA_ACKS=auto cannot read the Redis topology ({}): session writes are not "
                        + "confirmed by a replica until it can; set SESSION_REPLICA_ACKS to a number to decide",
                        e.getMessage());
            }
        }
        checkedAtNanos = System.nanoTime();
    }

    private boolean replicasToFailOverTo() {
        if (cluster) {
            // CLUSTER SLOTS, asked of any master: each slot range's master first, then its replicas that are up.
            return client.getRedisNodes(RedisNodes.CLUSTER).getMasters().stream().findFirst()
                    .map(master -> master.clusterSlots().values())
                    .filter(ranges -> !ranges.isEmpty())
                    .map(ranges -> ranges.stream().allMatch(nodes -> nodes.size() > 1))
                    .orElse(false);
        }
        if (!client.getConfig().isSentinelConfig()) {
            return false;
        }
        RedisSentinelMasterSlave nodes = client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE);
        InetSocketAddress master = nodes.getMaster().getAddr();
        for (RedisSentinel sentinel : nodes.getSentinels()) {
            for (Map<String, String> monitored : sentinel.getMasters()) {
                if (master.getAddress().getHostAddress().equals(monitored.get("ip"))
                        && String.valueOf(master.getPort()).equals(monitored.get("port"))) {
                    return sentinel.getSlaves(monitored.get("name")).stream()
                            .map(replica -> replica.getOrDefault("flags", ""))
                            .anyMatch(flags -> !flags.contains("s_down") && !flags.contains("disconnected"));
                }
            }
        }
        return false;
    }
}
