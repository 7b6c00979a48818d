package io.sessionstore.session.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The contract against {@link InMemorySessionStore}, and its own expiry clock, grace and sweep. */
class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore store(Duration grace) {
        return new InMemorySessionStore(Clock.systemUTC(), grace);
    }

    /** A clock that moves only when told to. */
    private static final class ManualClock extends Clock {
        private final AtomicLong millis = new AtomicLong(ACCESSED);

        void advance(long delta) {
            millis.addAndGet(delta);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void expiry_noGrace_goneExactlyTheTimeoutAfterTheLastLoad() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        clock.advance(59_999);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "1 ms before the timeout");
        clock.advance(59_999);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "the load renewed it");
        clock.advance(60_000);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()), "the timeout after the load");
    }

    @Test
    void expiry_withGrace_graceAddedToTheTimeout() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ofSeconds(30));
        String id = create(memory, 60);

        clock.advance(89_999);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "timeout passed, grace not");
        clock.advance(90_000);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()), "timeout and grace passed");
    }

    @Test
    void expiry_update_renewsTheSession() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        clock.advance(50_000);
        assertEquals(new WriteResult.Written(2), memory.write(update(id, Map.of("b", bytes("2")), Set.of())));
        clock.advance(50_000);

        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "100 s after creation, 50 s after update");
    }

    @Test
    void write_updateOrRenameOfExpiredSession_goneAndNothingWritten() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String updated = create(memory, 60);
        String renamed = create(memory, 60);
        String newId = newId();
        clock.advance(60_000);

        assertEquals(WriteResult.GONE, memory.write(update(updated, Map.of("b", bytes("2")), Set.of())));
        assertEquals(WriteResult.GONE, memory.write(new SessionChange.Rename(renamed,
                snapshot(newId, 60, Map.of()))));

        assertEquals(Optional.empty(), memory.loadAndTouch(newId, -1, clock.millis()), "nothing under the new id");
        assertEquals(Optional.empty(), memory.loadAndTouch(updated, -1, clock.millis()), "the expired session");
    }

    @Test
    void size_expiredSessionsAndThousandWrites_dropsToTheLiveSessions() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        for (int i = 0; i < 500; i++) {
            create(memory, 1);
        }
        String kept = create(memory, 0);
        assertEquals(501, memory.size(), "before expiry");
        clock.advance(1_000);

        for (int i = 0; i < 1_000; i++) {
            memory.write(new SessionChange.Delete(newId()));
        }

        assertEquals(1, memory.size(), "only the session without timeout");
        assertTrue(memory.loadAndTouch(kept, -1, clock.millis()).isPresent());
    }

    @Test
    void size_steadyStreamOfShortSessions_boundedByLiveSessionsPlusOneSweep() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        int largest = 0;

        for (int i = 0; i < 10_000; i++) {
            create(memory, 1);
            clock.advance(10); // about 100 sessions alive at any time
            largest = Math.max(largest, memory.size());
        }

        assertTrue(largest <= 100 + 1_000, "at most the live sessions plus one sweep's worth, was " + largest);
        assertTrue(memory.size() <= 100 + 1_000, "size " + memory.size());
    }

    @Test
    void size_loadOfExpiredSession_dropsIt() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 1);
        clock.advance(1_000);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()));
        assertEquals(0, memory.size());
    }

    @Test
    void write_updateWithTimeoutChange_newTimeoutCountsFromTheUpdate() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        memory.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(10)));
        clock.advance(9_999);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "within the new timeout");
        clock.advance(10_000);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()), "the new timeout passed");
    }

    private static String create(InMemorySessionStore memory, int maxInactiveSeconds) {
        String id = newId();
        assertEquals(new WriteResult.Written(1),
                memory.write(new SessionChange.Create(snapshot(id, maxInactiveSeconds, Map.of("a", bytes("1"))))));
        return id;
    }
}
