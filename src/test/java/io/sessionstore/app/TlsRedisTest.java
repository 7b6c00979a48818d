package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.LogCapture;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TlsRedis;
import io.sessionstore.testing.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app on a Redis that speaks TLS only and wants a password, as ElastiCache with in-transit encryption does: users
 * sign in through a {@code rediss://} URL whose CA is in the JVM's trust store, and through the example file
 * {@code tomcat-conf/redisson/elasticache-tls.yaml} with a trust store of its own; a certificate Java does not trust
 * is refused in one line that says so, by the launcher's start check and in the log of a deployed WAR.
 */
@NeedsRedis
class TlsRedisTest {

    private static final Path ELASTICACHE_EXAMPLE = Path.of("tomcat-conf/redisson/elasticache-tls.yaml");
    private static final String NOT_TRUSTED = " presented a TLS certificate that Java does not trust (unable to find "
            + "valid certification path to requested target): give Java the CA that signed it, in the JVM's trust "
            + "store (-Djavax.net.ssl.trustStore; see the README's 'Redis over TLS')";

    private static TlsRedis redis;

    @BeforeAll
    static void start() throws Exception {
        redis = TlsRedis.start("IP:127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void login_redissUrlWithPasswordAndTheCaInTheJvmsTrustStore_signsIn() throws Exception {
        // What -Djavax.net.ssl.trustStore=... -Djavax.net.ssl.trustStorePassword=... on the command line does; the
        // JDK reads them at each new TLS context, so they are set for this test only.
        System.setProperty("javax.net.ssl.trustStore", redis.truststore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TlsRedis.TRUSTSTORE_PASSWORD);
        try (TestApp app = TestApp.start(Map.of("REDIS_URL", redis.url(), "REDIS_REQUIRED_AT_START", "true"))) {
            assertSignsIn(app, "tls-url@example.com");
        } finally {
            System.clearProperty("javax.net.ssl.trustStore");
            System.clearProperty("javax.net.ssl.trustStorePassword");
        }
    }

    @Test
    void login_elastiCacheExampleFileWithItsTruststoreLinesSet_signsIn(@TempDir Path dir) throws Exception {
        String example = Files.readString(ELASTICACHE_EXAMPLE);
        String ours = replaceOnce(example, "\"rediss://master.my-sessions.abc123.use1.cache.amazonaws.com:6379\"",
                "\"" + redis.address() + "\"");
        ours = replaceOnce(ours, "password: \"change-me\"", "password: \"" + TlsRedis.PASSWORD + "\"");
        ours = replaceOnce(ours, "# sslTruststore: \"file:/etc/session-store/redis-ca.p12\"",
                "sslTruststore: \"" + redis.truststore().toUri() + "\"");
        ours = replaceOnce(ours, "# sslTruststorePassword: \"changeit\"",
                "sslTruststorePassword: \"" + TlsRedis.TRUSTSTORE_PASSWORD + "\"");
        Path file = dir.resolve("elasticache-tls.yaml");
        Files.writeString(file, ours);

        try (TestApp app = TestApp.start(Map.of("REDISSON_CONFIG", file.toString(),
                "REDIS_REQUIRED_AT_START", "true"))) {
            assertSignsIn(app, "tls-file@example.com");
        }
    }

    @Test
    void start_certificateJavaDoesNotTrustAndRedisRequired_refusedSayingSoInOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestApp.start(Map.of(
                "REDIS_URL", redis.url(), "REDIS_REQUIRED_AT_START", "true")));

        assertEquals("The web application did not start: Redis at " + redis.address() + NOT_TRUSTED + ".",
                e.getMessage());
    }

    @Test
    void start_certificateJavaDoesNotTrustAsADeployedWar_startsAndLogsTheSameLine() throws Exception {
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.sessionstore.session.SessionFilter", Level.WARNING);
             TestApp app = TestApp.start(Map.of("REDIS_URL", redis.url()))) {
            assertEquals(503, new WebClient().get(app.url("/health")).statusCode());
            records = log.records();
        }
        List<String> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(r -> r.getParameters() == null ? r.getMessage()
                        : r.getMessage().replace("{}", String.valueOf(r.getParameters()[0])))
                .toList();
        assertEquals(1, warnings.stream().filter(w -> w.startsWith("Redis at " + redis.address() + NOT_TRUSTED
                + "; until then")).count(), warnings.toString());
        assertFalse(warnings.toString().contains(TlsRedis.PASSWORD), warnings.toString());
    }

    private static void assertSignsIn(TestApp app, String email) throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, browser.login(app, email).statusCode());
        var welcome = browser.get(app.url("/"));
        assertEquals(email, WebClient.email(welcome));
        assertEquals(1, WebClient.visits(welcome));
        assertEquals(2, WebClient.visits(browser.get(app.url("/"))));
    }

    /** The example file's line, changed; fails when the file no longer has it exactly once. */
    private static String replaceOnce(String text, String line, String replacement) {
        int at = text.indexOf(line);
        assertTrue(at >= 0 && text.indexOf(line, at + 1) < 0, "once in " + ELASTICACHE_EXAMPLE + ": " + line);
        return text.replace(line, replacement);
    }
}
