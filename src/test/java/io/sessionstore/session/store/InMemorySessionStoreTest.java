package io.sessionstore.session.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
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

    /** A clock that moves only when told to; it starts at the sessions' last access. */
    private final class ManualClock extends Clock {
        private final AtomicLong millis = new AtomicLong(accessed);

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
    void expiry_goneOnceMoreThanTheTimeoutPassedSinceTheLastLoad() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        clock.advance(60_000);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "exactly the timeout");
        clock.advance(60_000);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "the load renewed it");
        clock.advance(60_001);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()), "1 ms past the timeout");
    }

    @Test
    void touch_renewsTheSessionAndMovesItsLastAccessOn() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        clock.advance(50_000);
        memory.touch(id, clock.millis());
        long touched = clock.millis();
        clock.advance(50_000);

        assertEquals(touched, memory.loadAndTouch(id, -1, clock.millis()).orElseThrow().lastAccessedTime());
    }

    @Test
    void touch_afterExpiry_doesNotBringTheSessionBack() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ofSeconds(30));
        String id = create(memory, 60);

        clock.advance(60_001);
        memory.touch(id, clock.millis());

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()));
    }

    @Test
    void touch_lateButOfAnAccessBeforeExpiry_renews() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ofSeconds(30));
        String id = create(memory, 60);
        long access = clock.millis() + 59_000;

        clock.advance(60_500);
        memory.touch(id, access);

        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "the access came before expiry");
    }

    @Test
    void claimExpired_withinGrace_returnsTheSessionOnceThenNothing() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ofSeconds(30));
        String expiring = create(memory, 60);
        String living = create(memory, 600);

        clock.advance(60_001);
        List<SessionRecord> claimed = memory.claimExpired(clock.millis(), 10);

        assertEquals(List.of(expiring), claimed.stream().map(SessionRecord::id).toList());
        assertEquals(List.of(), memory.claimExpired(clock.millis(), 10), "claimed once");
        assertTrue(memory.loadAndTouch(living, -1, clock.millis()).isPresent());
    }

    @Test
    void claimExpired_pastTheGrace_nothing() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ofSeconds(30));
        create(memory, 60);

        clock.advance(90_001);

        assertEquals(List.of(), memory.claimExpired(clock.millis(), 10));
    }

    @Test
    void write_updateOrRenameOfExpiredSession_goneAndNothingWritten() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String updated = create(memory, 60);
        String renamed = create(memory, 60);
        String newId = newId();
        clock.advance(60_001);

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
        clock.advance(1_001);

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
            memory.write(new SessionChange.Create(new SessionChange.Snapshot(newId(), clock.millis(),
                    clock.millis(), 1, Map.of())));
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
        clock.advance(1_001);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()));
        assertEquals(0, memory.size());
    }

    @Test
    void write_updateWithTimeoutChange_newTimeoutCountsFromTheLastAccess() {
        InMemorySessionStore memory = new InMemorySessionStore(clock, Duration.ZERO);
        String id = create(memory, 60);

        memory.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(10)));
        clock.advance(10_000);
        assertTrue(memory.loadAndTouch(id, -1, clock.millis()).isPresent(), "within the new timeout");
        clock.advance(10_001);

        assertEquals(Optional.empty(), memory.loadAndTouch(id, -1, clock.millis()), "the new timeout passed");
    }

    private String create(InMemorySessionStore memory, int maxInactiveSeconds) {
        String id = newId();
        assertEquals(new WriteResult.Written(1),
                memory.write(new SessionChange.Create(snapshot(id, maxInactiveSeconds, Map.of("a", bytes("1"))))));
        return id;
    }
}
