package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.LogCapture;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.TlsRedis;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A Redis whose TLS certificate Java does not trust: Redisson tries again and again, and the log gets one line
 * without a stack trace, not a stack trace per attempt.
 */
@NeedsRedis
class ConnectionErrorLogTest {

    @Test
    void connect_untrustedCertificateTriedManyTimes_oneLineWithoutStackTrace() throws Exception {
        try (TlsRedis redis = TlsRedis.start("IP:127.0.0.1");
             LogCapture redisson = LogCapture.of("org.redisson", Level.WARNING);
             LogCapture ours = LogCapture.of(ConnectionErrorLog.class, Level.FINE);
             RedisConnection connection = RedisConnection.open(new RedisSettings(redis.url(), null,
                     Duration.ofMillis(800)))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(connection.refusal("test:probe").isPresent());
            }
            // The line a minute is the whole process's: an earlier failure in this JVM may have taken it.
            List<LogRecord> lines = ours.records();
            assertTrue(lines.size() >= 3, "each failed connection is logged: " + ours.messages());
            assertTrue(lines.stream().filter(line -> line.getLevel() == Level.WARNING).count() <= 1,
                    ours.messages().toString());
            assertTrue(lines.stream().allMatch(line -> line.getThrown() == null
                    && line.getMessage().startsWith("A Redis connection failed (")), ours.messages().toString());
            assertEquals(List.of(), redisson.messages().stream()
                    .filter(message -> message.startsWith("Exception occured")).toList());
        }
    }
}
