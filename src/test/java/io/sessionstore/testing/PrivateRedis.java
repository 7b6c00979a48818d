package io.sessionstore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} child process of this test on a free loopback port, for tests that stop, slow down or
 * restart Redis. Started with append-only persistence in its own folder, so a restart keeps what was
 * acknowledged.
 */
public final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private PrivateRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static PrivateRedis start() throws IOException, InterruptedException {
        PrivateRedis redis = new PrivateRedis(FreePorts.one(), Files.createTempDirectory("session-store-redis-"));
        redis.startProcess();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public RespClient client() throws IOException {
        return new RespClient(url());
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    /** Suspends the server (SIGSTOP): connections stay open but nothing is answered, as with a hung Redis. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Resumes a server suspended by {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        if (process == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--dir", dir.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            try (RespClient client = client()) {
                if ("PONG".equals(client.text("PING"))) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not start on port " + port + "; see " + dir);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

}
