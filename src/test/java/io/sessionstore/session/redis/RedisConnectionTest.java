package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.FaultyProxy;
import io.sessionstore.testing.FreePorts;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
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
    void connect_passwordOfEverySpecialCharacterPercentEncoded_commandsWork() throws Exception {
        String every = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u00e9";
        StringBuilder encoded = new StringBuilder();
        for (byte b : every.getBytes(StandardCharsets.UTF_8)) {
            encoded.append(String.format("%%%02X", b & 0xff));
        }
        try (RespClient admin = protectedRedis.client()) {
            admin.call("AUTH", PASSWORD);
            admin.call("CONFIG", "SET", "requirepass", every);
        }
        try {
            assertRoundTrip(new RedisSettings("redis://:" + encoded + "@" + hostAndPort, null, TIMEOUT));
            // A '+' is a plus, as in any URL outside a form: it stays one, unencoded too.
            try (RespClient admin = protectedRedis.client()) {
                admin.call("AUTH", every);
                admin.call("CONFIG", "SET", "requirepass", "a+b");
            }
            assertRoundTrip(new RedisSettings("redis://:a+b@" + hostAndPort, null, TIMEOUT));
        } finally {
            try (RespClient admin = protectedRedis.client()) {
                admin.call("AUTH", "a+b");
                admin.call("CONFIG", "SET", "requirepass", PASSWORD);
            } catch (IOException e) {
                try (RespClient admin = protectedRedis.client()) {
                    admin.call("AUTH", every);
                    admin.call("CONFIG", "SET", "requirepass", PASSWORD);
                }
            }
        }
    }

    @Test
    void refusal_eachKindOfRefusal_saysWhatRedisAnsweredAndWhatToChangeWithoutThePassword() throws Exception {
        try (RespClient admin = protectedRedis.client()) {
            admin.call("AUTH", PASSWORD);
            admin.call("ACL", "SETUSER", "limited", "on", ">limited-pw", "~*", "-@all", "+ping", "+auth", "+hello");
        }
        assertRefusal("redis://" + hostAndPort, "requires a password (NOAUTH): set REDIS_URL's user:password");
        assertRefusal("redis://:wrong-secret@" + hostAndPort, "refused the user or password (WRONGPASS)");
        assertRefusal("redis://nobody:wrong-secret@" + hostAndPort, "refused the user or password (WRONGPASS)");
        assertRefusal("redis://limited:limited-pw@" + hostAndPort, "refused a command to this user (NOPERM");
        assertRefusal("redis://:" + ENCODED_PASSWORD + "@" + hostAndPort + "/99", "has no such database (ERR DB "
                + "index is out of range): use a database number below its 'databases' setting (16 by default), in "
                + "REDIS_URL (redis://host:port/0)");
        assertRefusal("redis://" + TestRedis.url().substring("redis://".length()).replaceFirst("^", ":secret@"),
                "has no password, yet REDIS_URL gives one: remove its user:password@");
        assertRefusal("rediss://:" + ENCODED_PASSWORD + "@" + hostAndPort, "The TLS handshake with Redis at");
        try (RedisConnection good = RedisConnection.open(new RedisSettings("redis://:" + ENCODED_PASSWORD + "@"
                + hostAndPort, null, TIMEOUT))) {
            assertEquals(Optional.empty(), good.refusal("test:probe"));
        }
    }

    @Test
    void refusal_aclForbiddingScriptsOrTheKeyPrefix_noPermNamingTheRefusedCommandOnly() throws Exception {
        try (RespClient admin = protectedRedis.client()) {
            admin.call("AUTH", PASSWORD);
            admin.call("ACL", "SETUSER", "noscripts", "on", ">noscripts-pw", "~*", "&*", "+@all", "-eval",
                    "-evalsha");
            admin.call("ACL", "SETUSER", "otherkeys", "on", ">otherkeys-pw", "~other:*", "&*", "+@all");
        }
        String noScripts = assertRefusal("redis://noscripts:noscripts-pw@" + hostAndPort,
                "refused a command to this user (NOPERM");
        String otherKeys = assertRefusal("redis://otherkeys:otherkeys-pw@" + hostAndPort,
                "refused a command to this user (NOPERM");
        for (String line : List.of(noScripts, otherKeys)) {
            assertTrue(!line.contains("channel") && !line.contains("promise") && !line.contains("params"), line);
        }
    }

    @Test
    void refusal_nothingListening_cannotReachAndHowToStartIt() throws Exception {
        int closed = FreePorts.take(1).get(0);
        assertRefusal("redis://127.0.0.1:" + closed, "Cannot reach Redis at redis://127.0.0.1:" + closed
                + ". Start it");
    }

    /** @return the refusal's line, which contains {@code expected} */
    private static String assertRefusal(String url, String expected) throws Exception {
        try (RedisConnection connection = RedisConnection.open(new RedisSettings(url, null, TIMEOUT))) {
            String line = connection.refusal("test:probe")
                    .orElseThrow(() -> new AssertionError("no refusal for " + url));
            assertTrue(line.contains(expected), line);
            assertTrue(!line.contains("secret") && !line.contains(PASSWORD) && !line.contains("-pw"), line);
            assertEquals(1, line.lines().count(), line);
            return line;
        }
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

    @Test
    void config_defaults_pingEverySecondAndTimedOutConnectionsReplaced() throws Exception {
        Config config = RedisConnection.config(new RedisSettings("redis://127.0.0.1:6379", null, TIMEOUT));
        assertEquals(1_000, config.useSingleServer().getPingConnectionInterval());
        assertInstanceOf(TimedOutConnectionCloser.class, config.getNettyHook());
    }

    @Test
    void config_defaults_twoNettyThreadsAndEightConnectionsKeptOpen() throws Exception {
        Config config = RedisConnection.config(new RedisSettings("redis://127.0.0.1:6379", null, TIMEOUT));
        assertEquals(2, config.getNettyThreads());
        assertEquals(8, config.useSingleServer().getConnectionPoolSize());
        assertEquals(8, config.useSingleServer().getConnectionMinimumIdleSize());
    }

    @Test
    void config_yamlWithOwnThreadsAndPool_keepsThem(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n"
                + "  connectionPoolSize: 64\n  connectionMinimumIdleSize: 24\nnettyThreads: 32\n");
        Config config = RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT));
        assertEquals(32, config.getNettyThreads());
        assertEquals(64, config.useSingleServer().getConnectionPoolSize());
        assertEquals(24, config.useSingleServer().getConnectionMinimumIdleSize());
    }

    @Test
    void config_yamlWithPoolSizeOnly_minimumKeptWithinIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n"
                + "  connectionPoolSize: 4\n");
        SingleServerConfig server = RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT)).useSingleServer();
        assertEquals(4, server.getConnectionPoolSize());
        assertEquals(4, server.getConnectionMinimumIdleSize());
    }

    @Test
    void config_yamlWithMinimumOnly_poolAtLeastThatLarge(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n"
                + "  connectionMinimumIdleSize: 20\n");
        SingleServerConfig server = RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT)).useSingleServer();
        assertEquals(20, server.getConnectionPoolSize());
        assertEquals(20, server.getConnectionMinimumIdleSize());
    }

    @Test
    void config_clusterYaml_eightConnectionsPerNodeUnlessSet(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "clusterServersConfig:\n  nodeAddresses: [\"redis://127.0.0.1:7000\"]\n"
                + "  slaveConnectionPoolSize: 16\n");
        ClusterServersConfig cluster = RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT))
                .useClusterServers();
        assertEquals(8, cluster.getMasterConnectionPoolSize());
        assertEquals(8, cluster.getMasterConnectionMinimumIdleSize());
        assertEquals(16, cluster.getSlaveConnectionPoolSize());
        assertEquals(8, cluster.getSlaveConnectionMinimumIdleSize());
    }

    @Test
    void config_yamlWithOwnPingInterval_keepsIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("redisson.yaml");
        Files.writeString(yaml, "singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n"
                + "  pingConnectionInterval: 5000\n");
        assertEquals(5_000, RedisConnection.config(new RedisSettings(null, yaml, TIMEOUT)).useSingleServer()
                .getPingConnectionInterval());
    }

    /**
     * Replies lost on an open connection: the command times out, and the connection is replaced, so that no later
     * command gets the answer of an earlier one (Redis answers in order, and Redisson matches answers by order).
     */
    @Test
    void command_replyLostOnTheWire_laterCommandsGetTheirOwnAnswers() throws Exception {
        try (FaultyProxy proxy = FaultyProxy.start(TestRedis.url());
             RedisConnection connection = RedisConnection.open(new RedisSettings(proxy.url(), null,
                     Duration.ofMillis(300)))) {
            RedissonClient client = connection.client();
            for (int i = 0; i < 20; i++) {
                client.getBucket(prefix + "own-" + i, StringCodec.INSTANCE).set("value-" + i);
            }
            proxy.dropReplies();
            assertThrows(RedisTimeoutException.class,
                    () -> client.getBucket(prefix + "own-0", StringCodec.INSTANCE).get());
            proxy.heal();
            // The closed connection is connected again: until then a command given to it fails to be written (an
            // error, never another command's answer); a round on every pooled connection tells when it is back.
            Poll.until(Duration.ofSeconds(10), "the replaced connection back in the pool", () -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        client.getBucket(prefix + "own-" + i, StringCodec.INSTANCE).get();
                    }
                    return true;
                } catch (RedisException notYet) {
                    return false;
                }
            });

            List<RFuture<Object>> answers = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 20; i++) {
                    answers.add(client.getBucket(prefix + "own-" + i, StringCodec.INSTANCE).getAsync());
                }
            }
            for (int n = 0; n < answers.size(); n++) {
                assertEquals("value-" + n % 20, answers.get(n).toCompletableFuture().get(5, TimeUnit.SECONDS),
                        "answer " + n);
            }
        }
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
