package io.sessionstore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tomcat-conf/cluster.sh} driven from a test: two standalone Tomcat nodes behind nginx on free loopback
 * ports, in a folder of their own under {@code target/}, optionally on a Redis Cluster of their own.
 */
public final class ClusterScript implements AutoCloseable {

    private final Path dir;
    private final Map<String, String> env;
    private final List<Integer> redisClusterPorts;

    private ClusterScript(Path dir, Map<String, String> env, List<Integer> redisClusterPorts) {
        this.dir = dir;
        this.env = env;
        this.redisClusterPorts = redisClusterPorts;
    }

    public static ClusterScript up(String name, boolean redisCluster, Map<String, String> settings) throws Exception {
        return up(name, redisCluster ? List.of("--redis-cluster") : List.of(), settings);
    }

    /**
     * @param options options of {@code cluster.sh up}: {@code --redis-cluster}, {@code --drop-in}
     * @param settings environment of the nodes; {@code TOMCAT_VERSION} picks the distribution
     */
    public static ClusterScript up(String name, List<String> options, Map<String, String> settings)
            throws Exception {
        boolean redisCluster = options.contains("--redis-cluster");
        Path dir = Path.of("target", name).toAbsolutePath();
        List<Integer> ports = FreePorts.take(6);
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("CLUSTER_DIR", dir.toString());
        env.put("LB_PORT", ports.get(0).toString());
        env.put("NODE1_PORT", ports.get(1).toString());
        env.put("NODE2_PORT", ports.get(2).toString());
        env.put("REDIS_CLUSTER_PORTS", ports.get(3) + " " + ports.get(4) + " " + ports.get(5));
        if (!redisCluster) {
            env.put("REDIS_URL", TestRedis.url());
        }
        ClusterScript cluster = new ClusterScript(dir, env, ports.subList(3, 6));
        List<String> command = new ArrayList<>(List.of("bash", "tomcat-conf/cluster.sh", "up"));
        command.addAll(options);
        try {
            cluster.run(command, 300);
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + env.get("LB_PORT") + path;
    }

    public String nodePort(int node) {
        return env.get("NODE" + node + "_PORT");
    }

    /** A file of the cluster's folder, such as {@code node1/logs/...}. */
    public Path path(String relative) {
        return dir.resolve(relative);
    }

    public int redisClusterPort(int index) {
        return redisClusterPorts.get(index);
    }

    /** Stops one Tomcat node by its pid, as a crash or a maintenance stop would. */
    public void stopNode(int node) throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve("node" + node).resolve("tomcat.pid")).strip());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroy();
        process.onExit().orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() throws Exception {
        run(List.of("bash", "tomcat-conf/cluster.sh", "down"), 120);
    }

    private void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createDirectories(dir).resolve("script-" + command.get(2) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("REDISSON_CONFIG");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in time:\n" + Files.readString(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + Files.readString(log));
        }
    }
}
