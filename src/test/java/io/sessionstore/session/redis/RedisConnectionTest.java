package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.SingleServerConfig;

@NeedsRedis
class RedisConnectionTest {

    /** Characters that must be percent-encoded in a URL's user info. */
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final String PASSWORD = "p@ss:w/rd%";
    private static final String ENCODED_PASSWORD = "p%40ss%3Aw%2Frd%25";

    private static PrivateRedis protectedRedis;
    private static String hostAndPort;
    private static String prefix;

    @BeforeAll
    static void startProtectedRedis() throws Exception {
        protectedRedis = PrivateRedis.start();
        try (RespClient admin = protectedRedis.client()) {
            admin.call("CONFIG", "SET", "requirepass", PASSWORD);
        }
        hostAndPort = protectedRedis.url().substring("redis://".length());
        prefix = TestRedis.uniquePrefix("settings");
    }

    @AfterAll
    static void stop() throws Exception {
        if (protectedRedis != null) {
            protectedRedis.close();
        }
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(prefix);
        }
    }

    @Test
    void connect_urlWithPassword_commandsWork() throws Exception {
        assertRoundTrip(new RedisSettings("redis://:" + ENCODED_PASSWORD + "@" + hostAndPort, null, TIMEOUT));
    }

    @Test
    void connect_urlWithDefaultUserAndPassword_commandsWork() throws Exception {
        assertRoundTrip(new RedisSettings("redis://default:" + ENCODED_PASSWORD + "@" + hostAndPort,
                null, TIMEOUT));
    }

    @Test
    void connect_wrongPassword_commandFails() throws Exception {
        assertCommandFails(new RedisSettings("redis://:wrong@" + hostAndPort, null, TIMEOUT));
    }

    @Test
    void connect_noPasswordForProtectedRedis_commandFails() throws Exception {
        assertCommandFails(new RedisSettings("redis://" + hostAndPort, null, TIMEOUT));
    }

    @Test
    void describe_urlWithPassword_leavesPasswordOut() {
        String description = new RedisSettings("redis://:" + ENCODED_PASSWORD + "@" + hostAndPort, null, TIMEOUT)
                .describe();
        assertEquals("redis://" + hostAndPort, description);
    }

    @Test
    void settings_notARedisUrl_illegalArgument() {
        assertThrows(IllegalArgumentException.class,
                () -> new RedisSettings("http://127.0.0.1:6379", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class,
                () -> new RedisSettings("redis://", null, TIMEOUT));
    }

    @Test
    void connect_yamlFileWithSingleServerAddress_commandsWork(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"" + TestRedis.url() + "\"\n");
        RedisSettings settings = new RedisSettings("redis://unused.invalid:1", yaml, TIMEOUT);
        try (RedisConnection connection = RedisConnection.open(settings)) {
            RedissonClient client = connection.client();
            String key = prefix + "yaml";
            client.getBucket(key, StringCodec.INSTANCE).set("from-yaml");
            try (RespClient redis = new RespClient(TestRedis.url())) {
                assertEquals("from-yaml", redis.text("GET", key));
            }
        }
    }

    @Test
    void config_yamlWithOwnTimeout_keepsItAndBoundsTheRest(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n  timeout: 1234\n");
        SingleServerConfig server = RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT))
                .useSingleServer();
        assertEquals("redis://127.0.0.1:6379", server.getAddress());
        assertEquals(1234, server.getTimeout());
        assertEquals(800, server.getConnectTimeout());
        assertEquals(0, server.getRetryAttempts());
    }

    private void assertRoundTrip(RedisSettings settings) throws Exception {
        try (RedisConnection connection = RedisConnection.open(settings)) {
            RedissonClient client = connection.client();
            client.getBucket("greeting", StringCodec.INSTANCE).set("hello");
            assertEquals("hello", client.getBucket("greeting", StringCodec.INSTANCE).get());
        }
    }

    private void assertCommandFails(RedisSettings settings) throws Exception {
        RedisConnection connection;
        try {
            connection = RedisConnection.open(settings);
        } catch (RuntimeException e) {
            return; // refused while connecting: as good as refused on the first command
        }
        try (connection) {
            RedissonClient client = connection.client();
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> client.getBucket("greeting", StringCodec.INSTANCE).set("hello"));
            String messages = causeChain(e);
            assertTrue(messages.contains("WRONGPASS") || messages.contains("NOAUTH"),
                    "expected Redis to refuse the authentication, got: " + messages);
        }
    }

    private static String causeChain(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            messages.append(t).append(" | ");
            for (Throwable suppressed : t.getSuppressed()) {
                messages.append(suppressed).append(" | ");
            }
        }
        return messages.toString();
    }
}
