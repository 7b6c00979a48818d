package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.TlsRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that speaks TLS with a certificate the client cannot accept is refused in one line that says what TLS
 * answered and what to change, never "Redis is down" and never the password ({@link RedisRefusal}).
 */
@NeedsRedis
class RedisTlsRefusalTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    /** Its certificate names 127.0.0.1. */
    private static TlsRedis forThisAddress;
    /** Its certificate names redis.invalid only. */
    private static TlsRedis forAnotherName;

    @BeforeAll
    static void start() throws Exception {
        forThisAddress = TlsRedis.start("IP:127.0.0.1");
        forAnotherName = TlsRedis.start("DNS:redis.invalid");
    }

    @AfterAll
    static void stop() throws Exception {
        if (forThisAddress != null) {
            forThisAddress.close();
        }
        if (forAnotherName != null) {
            forAnotherName.close();
        }
    }

    @Test
    void refusal_urlToACertificateOfAnUnknownCa_saysJavaDoesNotTrustItAndNamesTheTrustStore() throws Exception {
        String line = refusal(new RedisSettings(forThisAddress.url(), null, TIMEOUT));

        assertTrue(line.startsWith("Redis at " + forThisAddress.address() + " presented a TLS certificate that "
                + "Java does not trust (unable to find valid certification path to requested target): give Java the "
                + "CA that signed it, in the JVM's trust store (-Djavax.net.ssl.trustStore"), line);
    }

    @Test
    void refusal_fileWhoseTruststoreHasAnotherCa_namesTheFilesTruststoreSettings(@TempDir Path dir)
            throws Exception {
        Path file = redissonFile(dir, forThisAddress.address(), forAnotherName.truststore());

        String line = refusal(new RedisSettings(null, file, TIMEOUT));

        assertTrue(line.startsWith("The Redis named in " + file + " presented a TLS certificate that Java does not "
                + "trust (Path does not chain with any of the trust anchors): give Java the CA that signed it, in a "
                + "trust store named by sslTruststore and sslTruststorePassword in " + file), line);
    }

    @Test
    void refusal_certificateForAnotherName_saysSoAndHowToConnect(@TempDir Path dir) throws Exception {
        Path file = redissonFile(dir, forAnotherName.address(), forAnotherName.truststore());

        String line = refusal(new RedisSettings(null, file, TIMEOUT));

        assertEquals("The Redis named in " + file + " presented a TLS certificate for another name (No subject "
                + "alternative names matching IP address 127.0.0.1 found): connect to it by a name its certificate "
                + "lists (its subject alternative names), or set sslVerificationMode: CA_ONLY in " + file
                + " to check only the CA that signed it", line);
    }

    @Test
    void connect_fileWithTheCaAsTruststore_commandsWork(@TempDir Path dir) throws Exception {
        Path file = redissonFile(dir, forThisAddress.address(), forThisAddress.truststore());

        try (RedisConnection connection = RedisConnection.open(new RedisSettings(null, file, TIMEOUT))) {
            assertEquals(Optional.empty(), connection.refusal("test:probe"));
        }
    }

    private static Path redissonFile(Path dir, String address, Path truststore) throws Exception {
        Path file = dir.resolve("redisson.yaml");
        Files.writeString(file, "singleServerConfig:\n"
                + "  address: \"" + address + "\"\n"
                + "  password: \"" + TlsRedis.PASSWORD + "\"\n"
                + "  sslTruststore: \"" + truststore.toUri() + "\"\n"
                + "  sslTruststorePassword: \"" + TlsRedis.TRUSTSTORE_PASSWORD + "\"\n");
        return file;
    }

    private static String refusal(RedisSettings settings) throws Exception {
        try (RedisConnection connection = RedisConnection.open(settings)) {
            String line = connection.refusal("test:probe").orElseThrow(() -> new AssertionError("no refusal for " + settings));
            assertEquals(1, line.lines().count(), line);
            assertFalse(line.contains(TlsRedis.PASSWORD) || line.contains(TlsRedis.TRUSTSTORE_PASSWORD), line);
            assertFalse(line.contains("Cannot reach"), line);
            return line;
        }
    }
}
