package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.LogCapture;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrivateRedis;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisException;

/** One log line when Redis stops answering, one when it answers again; none for each failed call in between. */
@NeedsRedis
class RedisAvailabilityTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(RedisConnection.class, Level.INFO); // the line of Redis answering again is INFO
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void call_redisStopsThenComesBack_oneWarningThenOneLineWhenItAnswers() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             RedisConnection connection = RedisConnection.open(new RedisSettings(redis.url(), null,
                     Duration.ofMillis(300)))) {
            ping(connection);
            assertEquals(List.of(), messages(), "nothing while Redis answers");

            redis.stop();
            for (int i = 0; i < 5; i++) {
                assertThrows(RedisException.class, () -> ping(connection));
            }
            List<String> down = messages();
            assertEquals(1, down.size(), down.toString());
            assertTrue(down.get(0).matches("Cannot reach Redis at redis://127\\.0\\.0\\.1:\\d+\\. Start it .* \\(\\w+"
                    + "Exception\\); requests that need Redis fail until it answers"), down.get(0));
            assertEquals(Level.WARNING, log.records().get(0).getLevel());

            redis.restart();
            awaitLines(connection, 2);
            List<String> back = messages();
            assertEquals(2, back.size(), back.toString());
            assertTrue(back.get(1).matches("Redis at redis://127\\.0\\.0\\.1:\\d+ answers again, \\d+\\.\\d s after "
                    + "it stopped"), back.get(1));
            ping(connection);
            assertEquals(2, messages().size(), "one line for the change, none after");
        }
    }

    @Test
    void refusal_redisDownAtStart_noLineOfItsOwnButOneWhenRedisAnswers() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             RedisConnection connection = RedisConnection.open(new RedisSettings(redis.url(), null,
                     Duration.ofMillis(300)))) {
            redis.stop();
            assertTrue(connection.refusal("test:probe").isPresent());
            assertEquals(List.of(), messages(), "the caller logs the refusal in its own words");

            redis.restart();
            awaitLines(connection, 1);
            assertEquals(1, messages().size(), messages().toString());
            assertTrue(messages().get(0).contains(" answers again, "), messages().get(0));
        }
    }

    private static void ping(RedisConnection connection) {
        connection.call(() -> connection.client().getBucket("availability-test").isExists());
    }

    /** Calls Redis until the log holds {@code count} lines. */
    private void awaitLines(RedisConnection connection, int count) throws Exception {
        Poll.until(Duration.ofSeconds(10), "the line of Redis answering again", () -> {
            try {
                ping(connection);
            } catch (RedisException stillDown) {
                return false;
            }
            return messages().size() >= count;
        });
    }

    private List<String> messages() {
        return log.messages();
    }
}
