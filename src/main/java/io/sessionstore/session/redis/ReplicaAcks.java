package io.sessionstore.session.redis;

import io.sessionstore.session.store.SessionStoreUnavailableException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisException;

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
 * <p>{@code auto} asks for one replica from the moment every master of the client's topology (a single server, the
 * master of a Sentinel group, each master of a Cluster) has a replica connected, looked at every 5 s until then; and
 * keeps asking after that. It never goes back to none by itself: the moment replicas disconnect is the moment a
 * failover may drop what a master acknowledges alone (a master whose replica was just promoted still takes writes
 * until it is told). So a master that lost its replica for good refuses session writes until it has one again, or
 * until the setting says 0. Thread-safe.
 */
public final class ReplicaAcks {

    private static final long TOPOLOGY_CHECK_NANOS = 5_000_000_000L;

    private final RedisConnection connection;
    private final RedissonClient client;
    private final OptionalInt configured;
    private final Duration timeout;
    private final boolean cluster;
    private volatile int fromTopology;
    private volatile long checkedAtNanos;
    private volatile boolean checked;

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
        if (fromTopology == 0 && (!checked || System.nanoTime() - checkedAtNanos > TOPOLOGY_CHECK_NANOS)) {
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
            throw new SessionStoreUnavailableException("Session write confirmed by " + result.getSyncedSlaves()
                    + " of " + required + " replicas within " + timeout.toMillis() + " ms", null);
        }
    }

    /** One {@code INFO replication} per master: 1 when every master has a replica connected ({@code connected_slaves}). */
    private void checkTopology() {
        int replicas;
        try {
            List<? extends RedisNode> masters = masters();
            replicas = !masters.isEmpty() && masters.stream().allMatch(master -> Integer.parseInt(
                    master.info(RedisNode.InfoSection.REPLICATION).getOrDefault("connected_slaves", "0")) > 0)
                    ? 1 : 0;
        } catch (IllegalArgumentException unknownTopology) {
            replicas = 0; // a replicated or master/slave configuration: set the number
        } catch (RedisException e) {
            // A master that does not answer (failing over): none so far, and the next write asks again.
            if (checked) {
                return;
            }
            throw e;
        }
        fromTopology = replicas;
        checkedAtNanos = System.nanoTime();
        checked = true;
    }

    private List<? extends RedisNode> masters() {
        if (cluster) {
            return List.copyOf(client.getRedisNodes(RedisNodes.CLUSTER).getMasters());
        }
        if (client.getConfig().isSentinelConfig()) {
            return List.of(client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
        }
        return List.of(client.getRedisNodes(RedisNodes.SINGLE).getInstance());
    }
}
