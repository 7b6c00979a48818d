import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisSessionStore;
import io.sessionstore.session.redis.RedisSettings;
import io.sessionstore.session.store.SessionChange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cost of one Redis call on the session load path: {@link RedisSessionStore#loadAndTouch}, the call a request makes
 * whenever the near cache misses (or is off), with the Redisson client the product builds ({@link RedisConnection}).
 *
 * <p>Starts a {@code redis-server} of its own on a free loopback port, stores sessions there, then, for each variant
 * of the Redisson settings and each count of request threads N, lets N threads call {@code loadAndTouch} in a loop:
 * a warm-up, then a measured window. Variants run one after another (a client of its own each, closed before the
 * next), in alternating order from round to round, so that a noisy neighbour on a shared machine hits all of them
 * alike; the table shows the median of the rounds. Per variant and N:
 * <ul>
 *   <li>calls/s: calls completed in the window per second;</li>
 *   <li>server CPU µs/call: this process's CPU time over the window (request threads, Redisson's Netty threads, GC
 *       and JIT: everything a server would pay) divided by the calls;</li>
 *   <li>Redis CPU µs/call: {@code used_cpu_user + used_cpu_sys} of {@code INFO cpu} over the window, per call;</li>
 *   <li>p50 and p99 µs: the latency of one call as its thread saw it.</li>
 * </ul>
 *
 * <p>A variant is {@code name} or {@code name:key=value,key=value}. {@code product} is the product's own client
 * from a {@code redis://} URL, as the app builds it by default. Any other variant is a Redisson YAML file that sets
 * the keys given ({@code nettyThreads}, {@code threads} and {@code transportMode} at the top level, any other key in
 * {@code singleServerConfig}, such as {@code connectionPoolSize} and {@code connectionMinimumIdleSize}); the
 * product's defaults fill in what it leaves out, as for any user's file. {@code redisson} stands for Redisson's own
 * defaults, written out so that none of the product's apply.
 *
 * <pre>
 * java -cp &lt;classpath&gt; src/bench/java/RedisCallBench.java [--threads 1,4,16,64] [--duration 5] [--warmup 2]
 *      [--rounds 3] [--sessions 1000] [--variant product] [--variant redisson] [--variant name:key=value,...]
 * </pre>
 * {@code src/bench/redis-calls.sh} builds the classpath and runs it. Loopback only; stops the Redis it started.
 */
public final class RedisCallBench {

    /** Redisson 3.52's own defaults: 32 Netty threads, 16 others, 24 to 64 connections, Java NIO. */
    private static final String REDISSON_DEFAULTS =
            "nettyThreads=32,threads=16,transportMode=NIO,connectionPoolSize=64,connectionMinimumIdleSize=24";
    /** Keys of a Redisson file's top level; any other key of a variant belongs in its server section. */
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("nettyThreads", "threads", "transportMode");
    /** The product's default Redis timeout: a call slower than this fails and counts as an error. */
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    record Variant(String name, Map<String, String> keys) {
        static Variant parse(String spec) {
            String[] parts = spec.split(":", 2);
            String name = parts[0];
            String keys = parts.length > 1 ? parts[1] : name.equals("redisson") ? REDISSON_DEFAULTS : "";
            Map<String, String> map = new LinkedHashMap<>();
            for (String pair : keys.split(",")) {
                if (!pair.isBlank()) {
                    String[] kv = pair.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("not key=value: " + pair);
                    }
                    map.put(kv[0].strip(), kv[1].strip());
                }
            }
            return new Variant(name, map);
        }

        /** A Redisson YAML file of these keys for the Redis at {@code port}; null for {@code product}. */
        Path yaml(Path dir, int port) throws IOException {
            if (keys.isEmpty()) {
                return null;
            }
            StringBuilder text = new StringBuilder("singleServerConfig:\n  address: \"redis://127.0.0.1:" + port
                    + "\"\n");
            keys.forEach((key, value) -> {
                if (!TOP_LEVEL_KEYS.contains(key)) {
                    text.append("  ").append(key).append(": ").append(value).append('\n');
                }
            });
            keys.forEach((key, value) -> {
                if (TOP_LEVEL_KEYS.contains(key)) {
                    text.append(key).append(": ").append(value).append('\n');
                }
            });
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, text);
            return file;
        }
    }

    record Result(double callsPerSecond, double serverCpuMicros, double redisCpuMicros, double p50Micros,
                  double p99Micros, long errors) {
    }

    /** One window's calls: latencies in ns per thread, then merged. */
    private static final class Recorder {
        long[] nanos = new long[1 << 14];
        int count;
        long errors;

        void add(long ns) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = ns;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = List.of(1, 4, 16, 64);
        int durationSeconds = 5;
        int warmupSeconds = 2;
        int rounds = 3;
        int sessions = 1000;
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--threads" -> threadCounts = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--duration" -> durationSeconds = Integer.parseInt(value);
                case "--warmup" -> warmupSeconds = Integer.parseInt(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--sessions" -> sessions = Integer.parseInt(value);
                case "--variant" -> variants.add(Variant.parse(value));
                default -> {
                    System.err.println("usage: RedisCallBench [--threads 1,4,16,64] [--duration 5] [--warmup 2]"
                            + " [--rounds 3] [--sessions 1000] [--variant name[:key=value,...]]...");
                    System.exit(2);
                }
            }
            i++;
        }
        if (variants.isEmpty()) {
            variants = List.of(Variant.parse("redisson"), Variant.parse("product"));
        }

        Path dir = Files.createTempDirectory("redis-call-bench");
        int port = freePort();
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::destroy));
        try {
            awaitRedis(port);
            String[] ids = storeSessions(port, sessions);
            Map<String, Map<Integer, List<Result>>> results = new LinkedHashMap<>();
            for (Variant variant : variants) {
                results.put(variant.name(), new HashMap<>());
            }
            System.err.printf("bench: %d variants x %s threads x %d rounds, %d s warm-up + %d s each%n",
                    variants.size(), threadCounts, rounds, warmupSeconds, durationSeconds);
            // The JIT's work belongs to no variant: compile the load path once before any window.
            run(variants.get(0), dir, port, ids, List.of(16), Math.max(5, warmupSeconds * 2), 0, null);
            for (int round = 1; round <= rounds; round++) {
                List<Variant> order = new ArrayList<>(variants);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                System.err.printf("bench: round %d%n", round);
                for (Variant variant : order) {
                    run(variant, dir, port, ids, threadCounts, warmupSeconds, durationSeconds,
                            results.get(variant.name()));
                }
            }
            print(variants, threadCounts, results, durationSeconds, rounds);
        } finally {
            redis.destroy();
            redis.waitFor();
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    /** Runs one variant for every thread count; adds a result per count unless {@code results} is null. */
    private static void run(Variant variant, Path dir, int port, String[] ids, List<Integer> threadCounts,
                            int warmupSeconds, int durationSeconds, Map<Integer, List<Result>> results)
            throws Exception {
        RedisSettings settings = new RedisSettings("redis://127.0.0.1:" + port, variant.yaml(dir, port), TIMEOUT);
        try (RedisConnection connection = RedisConnection.open(settings);
             RedisSessionStore store = store(connection)) {
            for (int n : threadCounts) {
                window(store, ids, n, warmupSeconds, null, port);
                if (results != null) {
                    Result result = window(store, ids, n, durationSeconds, new Recorder[n], port);
                    results.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
                    System.err.printf("bench: %-12s %3d threads %8.0f calls/s %7.1f server us/call %6.1f redis us/call"
                            + "%s%n", variant.name(), n, result.callsPerSecond(), result.serverCpuMicros(),
                            result.redisCpuMicros(), result.errors() == 0 ? "" : ", " + result.errors() + " errors");
                }
            }
        }
    }

    /**
     * N threads call {@code loadAndTouch} for {@code seconds}; measured when {@code recorders} is given, else a
     * warm-up.
     */
    private static Result window(RedisSessionStore store, String[] ids, int n, int seconds, Recorder[] recorders,
                                 int port) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            Recorder recorder = new Recorder();
            if (recorders != null) {
                recorders[t] = recorder;
            }
            int first = t;
            Thread thread = new Thread(() -> {
                started.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = first; !stop.get(); i += n) {
                    long begin = System.nanoTime();
                    try {
                        if (store.loadAndTouch(ids[i % ids.length], -1, System.currentTimeMillis()).isEmpty()) {
                            throw new IllegalStateException("a stored session was not found");
                        }
                        recorder.add(System.nanoTime() - begin);
                    } catch (RuntimeException e) {
                        if (recorder.errors++ == 0) {
                            System.err.println("bench: " + Thread.currentThread().getName() + ": " + e);
                        }
                    }
                }
            }, "request-" + t);
            threads.add(thread);
            thread.start();
        }
        started.await();
        double redisCpu0 = redisCpuSeconds(port);
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        go.countDown();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        long wall = System.nanoTime() - wall0;
        long cpu = os.getProcessCpuTime() - cpu0;
        double redisCpu = redisCpuSeconds(port) - redisCpu0;
        if (recorders == null) {
            return null;
        }
        int calls = Arrays.stream(recorders).mapToInt(r -> r.count).sum();
        long[] all = new long[calls];
        int at = 0;
        long errors = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.count);
            at += r.count;
            errors += r.errors;
        }
        Arrays.sort(all);
        return new Result(calls / (wall / 1e9), cpu / 1e3 / calls, redisCpu * 1e6 / calls,
                all[(int) (calls * 0.50)] / 1e3, all[(int) (calls * 0.99)] / 1e3, errors);
    }

    private static RedisSessionStore store(RedisConnection connection) {
        return new RedisSessionStore(connection, "bench:", Duration.ofSeconds(60), Duration.ofMillis(500));
    }

    /** Stores {@code count} sessions like a signed-in user's of the demo app; returns their ids. */
    private static String[] storeSessions(int port, int count) throws IOException {
        String[] ids = new String[count];
        var random = new java.security.SecureRandom();
        try (RedisConnection connection = RedisConnection.open(
                new RedisSettings("redis://127.0.0.1:" + port, null, TIMEOUT));
             RedisSessionStore store = store(connection)) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[16];
                random.nextBytes(id);
                ids[i] = java.util.HexFormat.of().formatHex(id);
                Map<String, byte[]> attributes = Map.of(
                        "user", ("user" + i + "@example.com").getBytes(StandardCharsets.UTF_8),
                        "visits", "17".getBytes(StandardCharsets.UTF_8),
                        "csrf", java.util.HexFormat.of().formatHex(id).getBytes(StandardCharsets.UTF_8));
                store.write(new SessionChange.Create(new SessionChange.Snapshot(ids[i], now, now, 3600, attributes,
                        "user" + i + "@example.com")));
            }
        }
        return ids;
    }

    private static void print(List<Variant> variants, List<Integer> threadCounts,
                              Map<String, Map<Integer, List<Result>>> results, int durationSeconds, int rounds) {
        System.out.printf("%nloadAndTouch, %d s per window, median of %d rounds alternating%n", durationSeconds,
                rounds);
        for (Variant variant : variants) {
            System.out.printf("  %-12s %s%n", variant.name(),
                    variant.keys().isEmpty() ? "(the product's defaults)" : variant.keys());
        }
        System.out.printf("%-12s %7s %10s %13s %12s %9s %9s %7s%n", "variant", "threads", "calls/s",
                "server us/call", "redis us/call", "p50 us", "p99 us", "errors");
        for (int n : threadCounts) {
            for (Variant variant : variants) {
                List<Result> runs = results.get(variant.name()).get(n);
                System.out.printf("%-12s %7d %10.0f %13.1f %12.1f %9.0f %9.0f %7d%n", variant.name(), n,
                        median(runs, Result::callsPerSecond), median(runs, Result::serverCpuMicros),
                        median(runs, Result::redisCpuMicros), median(runs, Result::p50Micros),
                        median(runs, Result::p99Micros), runs.stream().mapToLong(Result::errors).sum());
            }
        }
    }

    private static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitRedis(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                redisCpuSeconds(port);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start on port " + port, e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Redis's CPU time so far in seconds, user and system, from {@code INFO cpu} on a connection of its own. */
    private static double redisCpuSeconds(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$3\r\ncpu\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("Redis closed the connection");
                }
                header.append((char) c);
            }
            int length = Integer.parseInt(header.substring(1).strip());
            String info = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            double seconds = 0;
            for (String line : info.split("\r\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
                }
            }
            return seconds;
        }
    }
}
