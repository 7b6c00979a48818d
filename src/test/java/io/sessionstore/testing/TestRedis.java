package io.sessionstore.testing;

import java.io.IOException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The shared Redis of the test run: a Testcontainers Redis where Docker is available, otherwise the Redis at
 * {@code REDIS_URL} (default {@code redis://127.0.0.1:6379}). Under {@code CI=true} a missing Redis fails the
 * tests; elsewhere they are skipped with a message saying how to start one. Tests keep to their own key prefix.
 */
public final class TestRedis {

    private static String url;

    private TestRedis() {
    }

    public static synchronized String url() {
        if (url == null) {
            url = resolve();
        }
        return url;
    }

    /** A key prefix of one's own, so tests never see each other's keys. */
    public static String uniquePrefix(String name) {
        return "test:" + name + ":" + Long.toString(System.nanoTime(), 36) + ":";
    }

    private static String resolve() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
            GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                    .withExposedPorts(6379);
            redis.start();
            return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
        }
        String candidate = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        try (RespClient client = new RespClient(candidate)) {
            if ("PONG".equals(client.text("PING"))) {
                return candidate;
            }
        } catch (IOException e) {
            // reported below
        }
        String message = "No Redis answers at " + candidate + " and Docker is not available: start one with "
                + "'redis-server --daemonize yes' or set REDIS_URL";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
