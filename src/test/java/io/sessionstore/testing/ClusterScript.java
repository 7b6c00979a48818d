package io.sessionstore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code tomcat-conf/cluster.sh} driven from a test: two standalone Tomcat nodes behind nginx on free loopback
 * ports, in a folder of their own under {@code target/}, optionally on a Redis Cluster of their own and with a TLS
 * listener ({@code LB_TLS_CERT} and {@code LB_TLS_KEY} among the settings).
 */
public final class ClusterScript implements AutoCloseable {

    /** What one run of the script did: its exit status and its output, standard error included. */
    public record Outcome(int exitCode, String output) {
    }

    private final Path dir;
    private final Map<String, String> env;
    private final List<Integer> redisClusterPorts;
    /** Runs of the script so far: each writes a log of its own. */
    private final AtomicInteger runs = new AtomicInteger();

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
     * @param settings environment of the script and the nodes; {@code TOMCAT_VERSION} picks the distribution
     */
    public static ClusterScript up(String name, List<String> options, Map<String, String> settings)
            throws Exception {
        ClusterScript cluster = prepare(name, settings);
        List<String> arguments = new ArrayList<>(List.of("up"));
        arguments.addAll(options);
        try {
            Outcome outcome = cluster.run(Map.of(), arguments.toArray(String[]::new));
            if (outcome.exitCode() != 0) {
                throw new AssertionError("cluster.sh " + arguments + " failed:\n" + outcome.output());
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * A cluster's folder and free ports, with nothing started: run the script with {@link #run}. Its Redis is the
     * shared test Redis, unless {@code up} is given {@code --redis-cluster}.
     */
    public static ClusterScript prepare(String name, Map<String, String> settings) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        List<Integer> ports = FreePorts.take(7);
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", TestRedis.url());
        env.putAll(settings);
        env.put("CLUSTER_DIR", dir.toString());
        env.put("LB_PORT", ports.get(0).toString());
        env.put("NODE1_PORT", ports.get(1).toString());
        env.put("NODE2_PORT", ports.get(2).toString());
        env.put("REDIS_CLUSTER_PORTS", ports.get(3) + " " + ports.get(4) + " " + ports.get(5));
        env.put("LB_TLS_PORT", ports.get(6).toString());
        return new ClusterScript(dir, env, ports.subList(3, 6));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + env.get("LB_PORT") + path;
    }

    /** A URL of nginx's TLS listener. */
    public String tlsUrl(String path) {
        return "https://127.0.0.1:" + env.get("LB_TLS_PORT") + path;
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

    /**
     * Links the Tomcat distribution that {@code other} fetched into this cluster's folder, so that {@code up} does not
     * fetch it again.
     */
    public void shareTomcatOf(ClusterScript other) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> distributions = Files.list(other.dir)) {
            for (Path tomcat : distributions.filter(p -> p.getFileName().toString().startsWith("apache-tomcat-"))
                    .toList()) {
                Path link = dir.resolve(tomcat.getFileName());
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, tomcat);
                }
            }
        }
    }

    /** The processes the script recorded as started, by name ({@code node1}, {@code nginx}, ...): their pids. */
    public Map<String, Long> recordedProcesses() throws IOException {
        Map<String, Long> processes = new LinkedHashMap<>();
        Path record = dir.resolve("processes");
        if (Files.exists(record)) {
            for (String line : Files.readAllLines(record)) {
                String[] fields = line.split(" ");
                processes.put(fields[0], Long.parseLong(fields[1]));
            }
        }
        return processes;
    }

    /** Stops one Tomcat node by its pid, as a crash or a maintenance stop would. */
    public void stopNode(int node) throws IOException {
        long pid = recordedProcesses().get("node" + node);
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroy();
        process.onExit().orTimeout(60, TimeUnit.SECONDS).join();
    }

    /**
     * Runs {@code cluster.sh} with these arguments in this cluster's environment, changed by {@code changes}.
     * Fails when the script does not finish within five minutes.
     */
    public Outcome run(Map<String, String> changes, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "tomcat-conf/cluster.sh"));
        command.addAll(List.of(arguments));
        Path log = Files.createDirectories(dir)
                .resolve("script-" + runs.incrementAndGet() + "-" + String.join("-", arguments) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("REDISSON_CONFIG");
        builder.environment().putAll(env);
        builder.environment().putAll(changes);
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in time:\n" + Files.readString(log));
        }
        return new Outcome(process.exitValue(), Files.readString(log));
    }

    @Override
    public void close() throws Exception {
        Outcome outcome = run(Map.of(), "down");
        if (outcome.exitCode() != 0) {
            throw new AssertionError("cluster.sh down failed:\n" + outcome.output());
        }
    }
}
