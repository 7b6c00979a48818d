package io.sessionstore.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters and three replicas, child processes of this test on free loopback ports, in a
 * temporary folder of their own, for failover tests. Nothing is persisted. A node is considered failed after two
 * seconds without an answer ({@code cluster-node-timeout 2000}).
 */
public final class RedisClusterNodes implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(20);

    private final Path dir;
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();
    private final Map<Integer, Integer> busPorts = new LinkedHashMap<>();
    private Long changeStartedNanos;

    private RedisClusterNodes(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts the six nodes, creates the cluster ({@code redis-cli --cluster create --cluster-replicas 1}) and
     * returns once every node reports {@code cluster_state:ok} and every master has a linked replica.
     */
    public static RedisClusterNodes start() throws Exception {
        RedisClusterNodes cluster = new RedisClusterNodes(Files.createTempDirectory("session-store-cluster-"));
        try {
            List<Integer> ports = FreePorts.take(12);
            for (int i = 0; i < 6; i++) {
                cluster.startNode(ports.get(i), ports.get(i + 6));
            }
            cluster.create();
            Poll.until(READY, "three masters with a linked replica each, and cluster_state:ok on every node",
                    () -> cluster.whole() && cluster.replicaPorts().size() == 3);
        } catch (Exception | AssertionError e) {
            cluster.stopAll();
            throw new IllegalStateException("The Redis Cluster did not start; logs in " + cluster.dir, e);
        }
        return cluster;
    }

    /** The ports of all six nodes, the killed ones included. */
    public List<Integer> ports() {
        return List.copyOf(nodes.keySet());
    }

    /** The port of the master serving {@code key}'s slot (CLUSTER KEYSLOT, then CLUSTER SLOTS). */
    public int masterPortForKey(String key) throws IOException {
        try (RespClient client = client(anyLiveNode())) {
            long slot = client.number("CLUSTER", "KEYSLOT", key);
            for (Object range : (List<?>) client.call("CLUSTER", "SLOTS")) {
                List<?> fields = (List<?>) range;
                if ((Long) fields.get(0) <= slot && slot <= (Long) fields.get(1)) {
                    return ((Long) ((List<?>) fields.get(2)).get(1)).intValue();
                }
            }
        }
        throw new IllegalStateException("No master serves the slot of " + key);
    }

    /** The port of a replica of the master on {@code masterPort} that is not marked as failed (CLUSTER NODES). */
    public int replicaPortOf(int masterPort) throws IOException {
        List<String[]> nodeLines = clusterNodes(anyLiveNode());
        String masterId = nodeLines.stream()
                .filter(node -> port(node) == masterPort)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No node on port " + masterPort))[0];
        return nodeLines.stream()
                .filter(node -> node[3].equals(masterId) && !node[2].contains("fail"))
                .mapToInt(RedisClusterNodes::port)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The node on port " + masterPort + " has no replica"));
    }

    /**
     * Moves the slot of {@code key} to the master on {@code toPort}, its keys with it, as {@code redis-cli --cluster
     * reshard} does ({@code CLUSTER SETSLOT} IMPORTING and MIGRATING, {@code MIGRATE}, then NODE on every master).
     * Redis unsubscribes the clients subscribed to the slot's sharded channels.
     */
    public void moveSlot(String key, int toPort) throws IOException {
        int fromPort = masterPortForKey(key);
        if (fromPort == toPort) {
            throw new IllegalArgumentException("The slot of " + key + " is on port " + toPort + " already");
        }
        List<String[]> nodeLines = clusterNodes(toPort);
        String fromId = nodeId(nodeLines, fromPort);
        String toId = nodeId(nodeLines, toPort);
        try (RespClient from = client(fromPort); RespClient to = client(toPort)) {
            String slot = Long.toString(from.number("CLUSTER", "KEYSLOT", key));
            to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
            from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
            for (String k : from.list("CLUSTER", "GETKEYSINSLOT", slot, "1000")) {
                from.call("MIGRATE", "127.0.0.1", Integer.toString(toPort), k, "0", "5000");
            }
            to.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
            from.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
            for (String[] node : nodeLines) {
                if (node[2].contains("master") && !node[2].contains("fail") && port(node) != fromPort
                        && port(node) != toPort) {
                    try (RespClient other = client(port(node))) {
                        other.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
                    }
                }
            }
        }
    }

    /**
     * The pub/sub messages the running nodes sent each other over the cluster bus so far: {@code PUBLISH}es
     * broadcast and {@code SPUBLISH}es passed within a shard ({@code CLUSTER INFO}'s
     * {@code cluster_stats_messages_publish_sent} and {@code cluster_stats_messages_publishshard_sent}).
     */
    public long busMessagesSent() throws IOException {
        long sent = 0;
        for (int port : liveNodes()) {
            try (RespClient client = client(port)) {
                for (String line : client.text("CLUSTER", "INFO").split("\r\n")) {
                    if (line.startsWith("cluster_stats_messages_publish_sent:")
                            || line.startsWith("cluster_stats_messages_publishshard_sent:")) {
                        sent += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                    }
                }
            }
        }
        return sent;
    }

    /** The ports of the masters, by CLUSTER NODES. */
    public List<Integer> masterPorts() throws IOException {
        return clusterNodes(anyLiveNode()).stream()
                .filter(node -> node[2].contains("master") && !node[2].contains("fail"))
                .map(RedisClusterNodes::port)
                .toList();
    }

    private static String nodeId(List<String[]> nodeLines, int port) {
        return nodeLines.stream().filter(node -> port(node) == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("No node on port " + port))[0];
    }

    /**
     * Kills the master on {@code port} (SIGKILL); {@link #awaitClusterOk(Duration)} then waits for its replica to
     * take over.
     */
    public void killMaster(int port) throws InterruptedException {
        changeStartedNanos = System.nanoTime();
        Process process = nodes.get(port);
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * A manual failover ({@code CLUSTER FAILOVER} sent to the replica on {@code replicaPort}): returns once that node
     * is a master and {@link #awaitClusterOk(Duration)} holds.
     *
     * @return how long it took
     */
    public Duration failover(int replicaPort) throws Exception {
        changeStartedNanos = System.nanoTime();
        try (RespClient replica = client(replicaPort)) {
            replica.call("CLUSTER", "FAILOVER");
            Poll.until(READY, "the node on port " + replicaPort + " becomes a master",
                    () -> replica.text("INFO", "replication").contains("role:master\r\n"));
        }
        return awaitClusterOk(READY);
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}, all of them name the same running masters for
     * the same slots, every running replica is linked to its master, and every running node knows which replica
     * follows which master.
     *
     * @return how long since the last {@link #killMaster(int)} or {@link #failover(int)} began, or else since this
     *     call
     */
    public Duration awaitClusterOk(Duration timeout) throws Exception {
        long started = changeStartedNanos == null ? System.nanoTime() : changeStartedNanos;
        Poll.until(timeout, "every slot served by a running master, cluster_state:ok on every running node",
                this::whole);
        changeStartedNanos = null;
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Writes a Redisson {@code clusterServersConfig} listing all six nodes to {@code file}, with the application's
     * settings: reads from masters, 800 ms timeouts, no retries; the topology is scanned every second.
     */
    public void redissonYaml(Path file) throws IOException {
        StringBuilder yaml = new StringBuilder("clusterServersConfig:\n  nodeAddresses:\n");
        for (int port : nodes.keySet()) {
            yaml.append("    - \"redis://127.0.0.1:").append(port).append("\"\n");
        }
        yaml.append("  scanInterval: 1000\n")
                .append("  readMode: \"MASTER\"\n")
                .append("  connectTimeout: 800\n")
                .append("  timeout: 800\n")
                .append("  retryAttempts: 0\n");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    /** Stops the nodes still running, then deletes the cluster's folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        stopAll();
        Folders.delete(dir);
    }

    private void create() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int port : nodes.keySet()) {
            command.add("127.0.0.1:" + port);
        }
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = dir.resolve("cluster-create.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-cli --cluster create did not finish:\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + Files.readString(log));
        }
    }

    private boolean whole() throws IOException {
        Map<Long, Long> agreedMasters = null;
        Map<Integer, Integer> replicaOf = new HashMap<>();
        for (int port : liveNodes()) {
            try (RespClient client = client(port)) {
                if (!client.text("CLUSTER", "INFO").contains("cluster_state:ok\r\n")) {
                    return false;
                }
                String replication = client.text("INFO", "replication");
                if (replication.contains("role:slave\r\n")) {
                    if (!replication.contains("master_link_status:up\r\n")) {
                        return false;
                    }
                    replicaOf.put(port, Integer.parseInt(RespClient.infoField(replication, "master_port")));
                }
                Map<Long, Long> masters = new HashMap<>();
                for (Object range : (List<?>) client.call("CLUSTER", "SLOTS")) {
                    List<?> fields = (List<?>) range;
                    long master = (Long) ((List<?>) fields.get(2)).get(1);
                    if (!liveNodes().contains((int) master)) {
                        return false;
                    }
                    masters.put((Long) fields.get(0), master);
                }
                if (agreedMasters != null && !agreedMasters.equals(masters)) {
                    return false;
                }
                agreedMasters = masters;
            }
        }
        // Every node has heard by gossip which replica follows which master (CLUSTER NODES), as replicaPortOf reads.
        for (int port : liveNodes()) {
            if (!replicaOf.equals(gossipedReplicaOf(clusterNodes(port)))) {
                return false;
            }
        }
        return true;
    }

    /** Replica port to master port, for the replicas not marked as failed in {@code nodeLines}. */
    private static Map<Integer, Integer> gossipedReplicaOf(List<String[]> nodeLines) {
        Map<String, Integer> portById = new HashMap<>();
        nodeLines.forEach(node -> portById.put(node[0], port(node)));
        Map<Integer, Integer> replicaOf = new HashMap<>();
        for (String[] node : nodeLines) {
            if (node[2].contains("slave") && !node[2].contains("fail") && portById.containsKey(node[3])) {
                replicaOf.put(port(node), portById.get(node[3]));
            }
        }
        return replicaOf;
    }

    private List<Integer> replicaPorts() throws IOException {
        List<Integer> replicas = new ArrayList<>();
        for (int port : liveNodes()) {
            try (RespClient client = client(port)) {
                if (client.text("INFO", "replication").contains("role:slave\r\n")) {
                    replicas.add(port);
                }
            }
        }
        return replicas;
    }

    private List<Integer> liveNodes() {
        return nodes.entrySet().stream().filter(node -> node.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    private int anyLiveNode() {
        return liveNodes().stream().findFirst().orElseThrow(() -> new IllegalStateException("No node is running"));
    }

    /** CLUSTER NODES, one array per node: id, ip:port@cport, flags, master id or "-", ... */
    private static List<String[]> clusterNodes(int port) throws IOException {
        try (RespClient client = client(port)) {
            return client.text("CLUSTER", "NODES").lines().map(line -> line.split(" ")).toList();
        }
    }

    private static int port(String[] node) {
        String address = node[1];
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
    }

    /**
     * Starts the node on {@code port} again, killed before by {@link #killMaster(int)}, with its cluster
     * configuration: it rejoins as a replica of the node that took its slots. Returns once every master has a linked
     * replica again.
     */
    public void restartKilled(int port) throws Exception {
        startNode(port, busPorts.get(port));
        Poll.until(READY, "three masters with a linked replica each again",
                () -> whole() && replicaPorts().size() == 3);
    }

    private void startNode(int port, int busPort) throws Exception {
        busPorts.put(port, busPort);
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--cluster-port", Integer.toString(busPort), "--cluster-node-timeout", "2000",
                // A shard failing over must not stop the others (Redis answers CLUSTERDOWN everywhere otherwise).
                "--cluster-require-full-coverage", "no", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(ReplicaSync.options(port));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                .start();
        nodes.put(port, process);
        Poll.until(Duration.ofSeconds(10), "redis-server answers on port " + port, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited; see redis-" + port + ".log");
            }
            try (RespClient client = client(port)) {
                return "PONG".equals(client.text("PING"));
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void stopAll() throws InterruptedException {
        for (Process process : nodes.values()) {
            process.destroy();
        }
        for (Process process : nodes.values()) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    private static RespClient client(int port) throws IOException {
        return new RespClient("redis://127.0.0.1:" + port);
    }
}
