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
 * A Redis master, one replica and three sentinels (quorum 2), all child processes of this test on free loopback
 * ports, in a temporary folder of their own, for failover tests. Nothing is persisted. Sentinels consider a master
 * down after one second without an answer.
 */
public final class RedisSentinelGroup implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(20);
    /** Lines of each log a timed-out wait reports. */
    private static final int LOG_LINES = 12;

    private final String masterName;
    private final Path dir;
    private final Map<Integer, Process> servers = new LinkedHashMap<>();
    private final Map<Integer, Process> sentinels = new LinkedHashMap<>();
    private Integer killedPort;
    private Integer previousMasterPort;
    private long changeStartedNanos;

    private RedisSentinelGroup(String masterName, Path dir) {
        this.masterName = masterName;
        this.dir = dir;
    }

    /**
     * Starts the group and returns once the replica is linked to the master and every sentinel knows the replica
     * and the two other sentinels.
     */
    public static RedisSentinelGroup start(String masterName) throws Exception {
        RedisSentinelGroup group = new RedisSentinelGroup(masterName,
                Files.createTempDirectory("session-store-sentinel-"));
        try {
            List<Integer> ports = FreePorts.take(5);
            int master = ports.get(0);
            group.startServer(master, List.of());
            group.startServer(ports.get(1), List.of("--replicaof", "127.0.0.1", Integer.toString(master)));
            group.awaitLinked(ports.get(1));
            for (int port : ports.subList(2, 5)) {
                group.startSentinel(port, master);
            }
            group.withLogs(() -> Poll.until(READY, "the sentinels know each other and the replica",
                    group::sentinelsReady));
        } catch (Exception | AssertionError e) {
            group.stopAll();
            throw new IllegalStateException("The sentinel group did not start; logs in " + group.dir, e);
        }
        return group;
    }

    /** The name the sentinels monitor the master under. */
    public String masterName() {
        return masterName;
    }

    /** The sentinels, as {@code redis://127.0.0.1:port}. */
    public List<String> sentinelAddresses() {
        return sentinels.keySet().stream().map(port -> "redis://127.0.0.1:" + port).toList();
    }

    /** The master's port, as the first sentinel knows it (SENTINEL get-master-addr-by-name). */
    public int masterPort() throws IOException {
        return masterPortSeenBy(sentinels.keySet().iterator().next());
    }

    /** The port of the running server that is not the master. */
    public int replicaPort() throws IOException {
        int master = masterPort();
        return servers.entrySet().stream()
                .filter(server -> server.getKey() != master && server.getValue().isAlive())
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No replica is running"));
    }

    /**
     * Kills the master (SIGKILL) without telling the sentinels; {@link #awaitMasterChange(Duration)} then waits for
     * them to promote the replica.
     *
     * @return the killed master's port
     */
    public int killMaster() throws IOException, InterruptedException {
        int master = masterPort();
        changeStarting(master);
        Process process = servers.get(master);
        process.destroyForcibly();
        process.waitFor();
        killedPort = master;
        return master;
    }

    /** Starts the server killed by {@link #killMaster()} again, as a replica of the current master. */
    public void restartKilledAsReplica() throws Exception {
        if (killedPort == null) {
            throw new IllegalStateException("No master was killed");
        }
        int port = killedPort;
        startServer(port, List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort())));
        killedPort = null;
        awaitLinked(port);
        withLogs(() -> Poll.until(READY, "the sentinels see port " + port + " as a replica again",
                this::sentinelsReady));
    }

    /**
     * A failover asked of one sentinel (SENTINEL FAILOVER): returns once every sentinel names the other server as
     * the master and that server says it is one.
     *
     * @return how long it took
     */
    public Duration failover() throws Exception {
        changeStarting(masterPort());
        try (RespClient sentinel = client(sentinels.keySet().iterator().next())) {
            sentinel.call("SENTINEL", "FAILOVER", masterName);
        }
        return awaitMasterChange(READY);
    }

    /**
     * Waits until every sentinel names a master other than the one of the last {@link #killMaster()} or
     * {@link #failover()}, and that server reports {@code role:master}.
     *
     * @return how long since the master was killed or the failover was asked for
     */
    public Duration awaitMasterChange(Duration timeout) throws Exception {
        if (previousMasterPort == null) {
            throw new IllegalStateException("No failover was started");
        }
        int previous = previousMasterPort;
        withLogs(() -> Poll.until(timeout, "the sentinels promote a new master instead of port " + previous,
                () -> masterChanged(previous)));
        Duration took = Duration.ofNanos(System.nanoTime() - changeStartedNanos);
        previousMasterPort = null;
        return took;
    }

    /**
     * Writes a Redisson {@code sentinelServersConfig} for this group to {@code file}, with the application's
     * settings: reads from the master, 800 ms timeouts, no retries.
     */
    public void redissonYaml(Path file) throws IOException {
        StringBuilder yaml = new StringBuilder("sentinelServersConfig:\n")
                .append("  masterName: \"").append(masterName).append("\"\n")
                .append("  sentinelAddresses:\n");
        for (String address : sentinelAddresses()) {
            yaml.append("    - \"").append(address).append("\"\n");
        }
        yaml.append("  checkSentinelsList: false\n")
                .append("  scanInterval: 1000\n")
                .append("  readMode: \"MASTER\"\n")
                .append("  connectTimeout: 800\n")
                .append("  timeout: 800\n")
                .append("  retryAttempts: 0\n");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    /** Stops the sentinels and the servers, then deletes the group's folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        stopAll();
        Folders.delete(dir);
    }

    private void changeStarting(int master) {
        previousMasterPort = master;
        changeStartedNanos = System.nanoTime();
    }

    private boolean masterChanged(int previous) throws IOException {
        Integer agreed = null;
        for (int sentinel : sentinels.keySet()) {
            int master = masterPortSeenBy(sentinel);
            if (master == previous || (agreed != null && agreed != master)) {
                return false;
            }
            agreed = master;
        }
        try (RespClient server = client(agreed)) {
            return server.text("INFO", "replication").contains("role:master\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean sentinelsReady() throws IOException {
        for (int sentinel : sentinels.keySet()) {
            try (RespClient client = client(sentinel)) {
                if (((List<?>) client.call("SENTINEL", "SENTINELS", masterName)).size() != sentinels.size() - 1) {
                    return false;
                }
                int master = masterPortSeenBy(client);
                List<Map<String, String>> replicas = fields(client.call("SENTINEL", "REPLICAS", masterName));
                for (Map.Entry<Integer, Process> server : servers.entrySet()) {
                    String port = server.getKey().toString();
                    if (server.getKey() != master && server.getValue().isAlive() && replicas.stream().noneMatch(
                            replica -> replica.get("port").equals(port) && replica.get("flags").equals("slave"))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private int masterPortSeenBy(int sentinel) throws IOException {
        try (RespClient client = client(sentinel)) {
            return masterPortSeenBy(client);
        }
    }

    private int masterPortSeenBy(RespClient sentinel) throws IOException {
        return Integer.parseInt(sentinel.list("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).get(1));
    }

    private void awaitLinked(int replica) throws Exception {
        withLogs(() -> Poll.until(READY, "the replica on port " + replica + " is linked to its master", () -> {
            try (RespClient client = client(replica)) {
                return client.text("INFO", "replication").contains("master_link_status:up\r\n");
            }
        }));
    }

    /** Runs a wait; when it times out, its error carries the end of every server's and sentinel's log. */
    private void withLogs(Wait wait) throws Exception {
        try {
            wait.run();
        } catch (AssertionError e) {
            StringBuilder message = new StringBuilder(e.getMessage());
            try (var logs = Files.list(dir)) {
                for (Path log : logs.filter(file -> file.toString().endsWith(".log")).sorted().toList()) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    message.append("\n--- ").append(log.getFileName()).append(", last lines:\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES),
                                    lines.size())));
                }
            }
            throw new AssertionError(message.toString(), e);
        }
    }

    @FunctionalInterface
    private interface Wait {
        void run() throws Exception;
    }

    private void startServer(int port, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(ReplicaSync.options(port));
        command.addAll(options);
        servers.put(port, startProcess(command, port, "redis-" + port + ".log"));
    }

    private void startSentinel(int port, int master) throws Exception {
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + masterName + " 127.0.0.1 " + master + " 2",
                "sentinel down-after-milliseconds " + masterName + " 1000",
                "sentinel failover-timeout " + masterName + " 5000",
                "sentinel parallel-syncs " + masterName + " 1",
                ""), StandardCharsets.UTF_8);
        sentinels.put(port, startProcess(List.of("redis-sentinel", conf.toString()), port,
                "sentinel-" + port + ".log"));
    }

    private Process startProcess(List<String> command, int port, String log) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
        Poll.until(Duration.ofSeconds(10), command.get(0) + " answers on port " + port, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(command.get(0) + " on port " + port + " exited; see " + log);
            }
            try (RespClient client = client(port)) {
                return "PONG".equals(client.text("PING"));
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }

    private void stopAll() throws InterruptedException {
        List<Process> processes = new ArrayList<>(sentinels.values());
        processes.addAll(servers.values());
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    private static RespClient client(int port) throws IOException {
        return new RespClient("redis://127.0.0.1:" + port);
    }

    /** A reply such as SENTINEL REPLICAS: a list of flat name, value, name, value... lists. */
    private static List<Map<String, String>> fields(Object reply) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (Object entry : (List<?>) reply) {
            List<?> items = (List<?>) entry;
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                fields.put(new String((byte[]) items.get(i), StandardCharsets.UTF_8),
                        new String((byte[]) items.get(i + 1), StandardCharsets.UTF_8));
            }
            entries.add(fields);
        }
        return entries;
    }
}
