package io.sessionstore.session.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link SessionStore} contract, written once and run against every store: a test class of a store extends
 * this one and says only how to make the store. Everything is observed through the SPI ({@link
 * SessionStore#loadAndTouch} and the {@link WriteResult} of {@link SessionStore#write}), never through a store's
 * layout, so the same tests hold for any backend.
 *
 * <p>The stores made here have no grace, so expiry follows the timeout alone. Expiry is checked with the real
 * clock: sessions of a one-second timeout, and loads spaced so that a check never renews the session it checks.
 */
public abstract class SessionStoreContract {

    /**
     * Creation time of the sessions written here, epoch milliseconds: two minutes before the test, in whole seconds,
     * so that a store checking expiry against its own clock finds them alive.
     */
    protected final long created = (System.currentTimeMillis() / 1000 - 120) * 1000;
    /** Last access time written with those sessions. */
    protected final long accessed = created + 1_000;
    /** A timeout that never runs out during a test. */
    protected static final int TIMEOUT = 600;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(5);

    /** The store under test, made before each test and closed after it. */
    protected SessionStore store;

    /**
     * Makes the store under test. Called once per test; the contract closes what it returns.
     *
     * @param grace added to every session's timeout
     */
    protected abstract SessionStore store(Duration grace);

    /**
     * How long after its timeout a session of the store under test may still count as alive (see
     * {@link SessionStore}): none unless a store says otherwise.
     */
    protected Duration expiryLag() {
        return Duration.ZERO;
    }

    @BeforeEach
    void makeStore() {
        store = store(Duration.ZERO);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- create and load ----------------------------------------------------------------------------------------

    @Test
    void loadAndTouch_afterCreate_returnsTheSessionAsCreatedAtVersion1() {
        String id = newId();
        SessionChange.Snapshot session = snapshot(id, TIMEOUT, Map.of("email", bytes("Scarol@example.com"),
                "n", bytes("I3")));

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Create(session)));

        assertRecord(session.stored(1), load(id, accessed + 5_000).orElseThrow());
    }

    @Test
    void loadAndTouch_twice_firstReturnsWrittenAccessSecondSeesFirstAccessVersionUnchanged() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));

        SessionRecord first = load(id, accessed + 1_000).orElseThrow();
        SessionRecord second = load(id, accessed + 2_000).orElseThrow();

        assertEquals(accessed, first.lastAccessedTime(), "first load: the access written with the session");
        assertEquals(accessed + 1_000, second.lastAccessedTime(), "second load: the first load's access");
        assertEquals(created, second.creationTime(), "creation time");
        assertEquals(1, first.version(), "a touch is not a change");
        assertEquals(1, second.version(), "a touch is not a change");
    }

    @Test
    void loadAndTouch_binaryValuesAndNonAsciiNames_byteEqual() {
        String id = newId();
        Map<String, byte[]> attributes = Map.of(
                "binary", new byte[] {0, -1, -128, 127, '\r', '\n', ' ', 0},
                "empty", new byte[0],
                "caf\u00e9 \u2713", bytes("J\u00fcnicode \uD83D\uDE00"),
                "with space", bytes("S v"));
        store.write(new SessionChange.Create(snapshot(id, TIMEOUT, attributes)));

        assertEquals(hex(attributes), hex(load(id, accessed).orElseThrow().attributes()));
    }

    @Test
    void loadAndTouch_unknownId_emptyAndCreatesNothing() {
        String id = newId();

        assertEquals(Optional.empty(), load(id, accessed));
        assertEquals(Optional.empty(), load(id, accessed), "the first load created nothing");
    }

    // ---- hostile ids ----------------------------------------------------------------------------------------------

    /** Ids a client may send in its cookie: patterns, hash tags, paths, spaces, huge, empty, non-ASCII. */
    protected static Stream<String> hostileIds() {
        return Stream.of("*", "?", "[a-z]*", "{x}", "}{", "a b", "../x", "..\\x", "x".repeat(8 * 1024), "",
                "\u00e9t\u00e9 \u2713 \uD83D\uDE00", "line\r\nbreak", "nul\u0000byte", "a:b", "session:{x}");
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void loadAndTouch_hostileId_findsNothingCreatesNothingAndLeavesOthers(String hostile) {
        String other = create(TIMEOUT, Map.of("a", bytes("1")));

        assertEquals(Optional.empty(), load(hostile, accessed));
        assertEquals(Optional.empty(), load(hostile, accessed), "the first load created nothing");
        if (!hostile.isEmpty()) {
            assertEquals(Optional.empty(), load(other + hostile, accessed), "a stored id followed by it");
        }

        assertEquals(1, load(other, accessed).orElseThrow().version(), "the stored session is untouched");
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void write_updateOrRenameOfHostileId_goneAndCreatesNothing(String hostile) {
        String other = create(TIMEOUT, Map.of("a", bytes("1")));
        String renamed = newId();

        assertEquals(WriteResult.GONE, store.write(update(hostile, Map.of("b", bytes("2")), Set.of())));
        assertEquals(WriteResult.GONE, store.write(new SessionChange.Rename(hostile,
                snapshot(renamed, TIMEOUT, Map.of("b", bytes("2"))))));

        assertEquals(Optional.empty(), load(hostile, accessed), "nothing under the hostile id");
        assertEquals(Optional.empty(), load(renamed, accessed), "nothing under the rename's new id");
        assertRecord(snapshot(other, TIMEOUT, Map.of("a", bytes("1"))).stored(1),
                load(other, accessed).orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void write_deleteOfHostileId_goneAndOtherSessionsKept(String hostile) {
        String other = create(TIMEOUT, Map.of("a", bytes("1")));

        assertEquals(WriteResult.GONE, store.write(new SessionChange.Delete(hostile)));

        assertEquals(1, load(other, accessed).orElseThrow().version(), "the stored session is still there");
    }

    // ---- update ---------------------------------------------------------------------------------------------------

    @Test
    void write_update_setsAndRemovesOnlyNamedAttributesAndKeepsAnotherWritersAttribute() {
        String id = create(TIMEOUT, Map.of("keep", bytes("Sk"), "drop", bytes("Sd"), "change", bytes("S0")));
        assertEquals(new WriteResult.Written(2),
                store.write(update(id, Map.of("other", bytes("Sfrom elsewhere")), Set.of())), "another writer");

        WriteResult result = store.write(update(id, Map.of("mine", bytes("L42"), "change", bytes("S1")),
                Set.of("drop", "neverSet")));

        assertEquals(new WriteResult.Written(3), result);
        assertEquals(hex(Map.of("keep", bytes("Sk"), "other", bytes("Sfrom elsewhere"), "mine", bytes("L42"),
                "change", bytes("S1"))), hex(load(id, accessed).orElseThrow().attributes()));
    }

    @Test
    void write_updates_versionGrowsByOnePerUpdateAndLoadReturnsIt() {
        String id = create(TIMEOUT, Map.of());

        for (long expected = 2; expected <= 6; expected++) {
            assertEquals(new WriteResult.Written(expected),
                    store.write(update(id, Map.of("n", bytes("I" + expected)), Set.of())));
            assertEquals(expected, load(id, accessed).orElseThrow().version(), "version loaded after the update");
        }
    }

    @Test
    void write_updateOfOnlyTheTimeout_setsTimeoutKeepsAttributesCountsAsChange() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));

        assertEquals(new WriteResult.Written(2),
                store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(120))));

        SessionRecord loaded = load(id, accessed).orElseThrow();
        assertEquals(120, loaded.maxInactiveSeconds(), "timeout");
        assertEquals(hex(Map.of("a", bytes("1"))), hex(loaded.attributes()));
    }

    @Test
    void write_updateWithoutTimeout_keepsTheTimeoutAnotherWriterSet() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));
        store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(0))); // another node

        assertEquals(new WriteResult.Written(3), store.write(update(id, Map.of("b", bytes("2")), Set.of())));

        assertEquals(0, load(id, accessed).orElseThrow().maxInactiveSeconds(), "the other writer's timeout");
    }

    @Test
    void write_updateOfDeletedSession_goneAndCreatesNothing() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));
        store.write(new SessionChange.Delete(id));

        assertEquals(WriteResult.GONE, store.write(update(id, Map.of("b", bytes("2")), Set.of())));
        assertEquals(WriteResult.GONE,
                store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(60))));

        assertEquals(Optional.empty(), load(id, accessed));
    }

    @Test
    void write_updateOfNeverCreatedSession_goneAndCreatesNothing() {
        String id = newId();

        assertEquals(WriteResult.GONE, store.write(update(id, Map.of("b", bytes("2")), Set.of("c"))));

        assertEquals(Optional.empty(), load(id, accessed));
    }

    /**
     * No limit on the number of attributes: Lua's {@code unpack} takes at most about 8,000 values, so the Redis
     * scripts write fields in chunks.
     */
    @Test
    void write_createAndUpdateOf5000Attributes_allStored() {
        Map<String, byte[]> many = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            many.put("a" + i, bytes("S" + i));
        }
        String id = newId();

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Create(snapshot(id, TIMEOUT, many))));
        assertEquals(new WriteResult.Written(2), store.write(update(id, many, Set.of())));

        assertEquals(5_000, load(id, accessed).orElseThrow().attributes().size());
    }

    // ---- rename, delete, replace ----------------------------------------------------------------------------------

    @Test
    void write_renameOfStoredSession_oldIdGoneNewIdLoadsWholeAtVersion1() {
        String oldId = create(TIMEOUT, Map.of("a", bytes("1")));
        store.write(update(oldId, Map.of("b", bytes("2")), Set.of()));
        String newId = newId();
        SessionChange.Snapshot renamed = snapshot(newId, TIMEOUT, Map.of("a", bytes("1"), "b", bytes("2")));

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Rename(oldId, renamed)));

        assertEquals(Optional.empty(), load(oldId, accessed), "old id");
        assertRecord(renamed.stored(1), load(newId, accessed).orElseThrow());
    }

    @Test
    void write_renameOfDeletedSession_goneAndNothingUnderNewId() {
        String oldId = create(TIMEOUT, Map.of("a", bytes("1")));
        store.write(new SessionChange.Delete(oldId)); // invalidated by another request meanwhile
        String newId = newId();

        assertEquals(WriteResult.GONE, store.write(new SessionChange.Rename(oldId,
                snapshot(newId, TIMEOUT, Map.of("a", bytes("1"))))));

        assertEquals(Optional.empty(), load(newId, accessed), "new id");
        assertEquals(Optional.empty(), load(oldId, accessed), "old id");
    }

    @Test
    void write_delete_deletedAndSessionGone() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));

        assertEquals(WriteResult.DELETED, store.write(new SessionChange.Delete(id)));

        assertEquals(Optional.empty(), load(id, accessed));
    }

    @Test
    void write_deleteTwiceOrOfUnknownId_deletedOnceThenGone() {
        String id = create(TIMEOUT, Map.of("a", bytes("1")));

        assertEquals(WriteResult.DELETED, store.write(new SessionChange.Delete(id)));
        assertEquals(WriteResult.GONE, store.write(new SessionChange.Delete(id)));
        assertEquals(WriteResult.GONE, store.write(new SessionChange.Delete(newId())));

        assertEquals(Optional.empty(), load(id, accessed));
    }

    @Test
    void write_replace_deletesOldAndCreatesNewAtVersion1() {
        String oldId = create(TIMEOUT, Map.of("old", bytes("1")));
        store.write(update(oldId, Map.of("b", bytes("2")), Set.of()));
        SessionChange.Snapshot fresh = snapshot(newId(), TIMEOUT, Map.of("new", bytes("1")));

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Replace(oldId, fresh)));

        assertEquals(Optional.empty(), load(oldId, accessed), "old id");
        assertRecord(fresh.stored(1), load(fresh.id(), accessed).orElseThrow());
    }

    @Test
    void write_replaceOfGoneSession_createsNewAtVersion1() {
        SessionChange.Snapshot fresh = snapshot(newId(), TIMEOUT, Map.of("new", bytes("1")));

        assertEquals(new WriteResult.Written(1), store.write(new SessionChange.Replace(newId(), fresh)));

        assertRecord(fresh.stored(1), load(fresh.id(), accessed).orElseThrow());
    }

    // ---- expiry ---------------------------------------------------------------------------------------------------

    @Test
    void expiry_timeoutOneSecond_thereAtOnceGoneWithinFiveSeconds() throws Exception {
        String id = createAccessedNow(1, Map.of("a", bytes("1")));
        long written = System.nanoTime();
        assertTrue(load(id, now()).isPresent(), "there right after creation");

        awaitGone(id, written);
    }

    @Test
    void expiry_sessionLoadedEvery400Millis_staysFor2500Millis() throws Exception {
        String id = createAccessedNow(1, Map.of("a", bytes("1")));
        long start = System.nanoTime();
        long[] lastLoad = {start};
        int[] loads = {0};

        Poll.until(Duration.ofSeconds(6), "2500 ms of loads every 400 ms", () -> {
            if (millisSince(lastLoad[0]) < 400) {
                return false;
            }
            lastLoad[0] = System.nanoTime();
            loads[0]++;
            assertTrue(load(id, now()).isPresent(), "still there at load " + loads[0]);
            return millisSince(start) >= 2_500;
        });
    }

    @Test
    void expiry_timeoutZeroOrLess_stillThereWhenASessionOfOneSecondExpired() throws Exception {
        String zero = createAccessedNow(0, Map.of("a", bytes("1")));
        String negative = createAccessedNow(-1, Map.of("a", bytes("1")));
        String witness = createAccessedNow(1, Map.of("a", bytes("1")));

        awaitGone(witness, System.nanoTime());

        assertEquals(0, load(zero, now()).orElseThrow().maxInactiveSeconds(), "timeout 0: never expires");
        assertEquals(-1, load(negative, now()).orElseThrow().maxInactiveSeconds(), "timeout -1: never expires");
    }

    @Test
    void expiry_updateSetsTimeoutOneSecond_sessionExpires() throws Exception {
        String id = createAccessedNow(0, Map.of("a", bytes("1")));

        store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(1)));

        awaitGone(id, System.nanoTime());
    }

    @Test
    void expiry_updateSetsTimeoutZero_sessionOutlivesASessionOfOneSecond() throws Exception {
        String id = createAccessedNow(1, Map.of("a", bytes("1")));
        String witness = createAccessedNow(1, Map.of("a", bytes("1")));

        store.write(new SessionChange.Update(id, Map.of(), Set.of(), OptionalInt.of(0)));
        awaitGone(witness, System.nanoTime());

        assertEquals(0, load(id, now()).orElseThrow().maxInactiveSeconds(), "no longer expires");
    }

    @Test
    void expiry_updateWithoutTimeoutOfSessionWithoutTimeout_neverExpires() throws Exception {
        String id = createAccessedNow(0, Map.of("a", bytes("1")));
        String witness = createAccessedNow(1, Map.of("a", bytes("1")));

        store.write(update(id, Map.of("b", bytes("2")), Set.of()));
        awaitGone(witness, System.nanoTime());

        assertTrue(load(id, now()).isPresent(), "still there");
    }

    // ---- touch and expiry claims ----------------------------------------------------------------------------------

    @Test
    void touch_thenLoad_lastAccessIsTheTouchAndTheSessionOutlivesItsFirstTimeout() throws Exception {
        String id = createAccessedNow(2, Map.of("a", bytes("1")));
        long start = System.nanoTime();
        Poll.until(Duration.ofSeconds(6), "touched every 300 ms for 4 s", () -> {
            store.touch(id, now());
            Thread.sleep(300);
            return millisSince(start) >= 4_000;
        });
        long lastTouch = now();
        store.touch(id, lastTouch);

        Thread.sleep(800); // stores may send touches in the background, an interval later
        SessionRecord loaded = load(id, now()).orElseThrow(() -> new AssertionError("expired although touched"));
        assertEquals(lastTouch, loaded.lastAccessedTime());
    }

    @Test
    void touch_unknownId_createsNothing() {
        String id = newId();
        store.touch(id, now());
        assertEquals(Optional.empty(), load(id, now()));
    }

    @Test
    void claimExpired_concurrentClaimers_eachExpiredSessionToExactlyOneAndNeverADeletedOne() throws Exception {
        SessionStore graced = store(Duration.ofSeconds(30));
        try {
            Map<String, byte[]> attributes = Map.of("cart", bytes("3 items"));
            List<String> expiring = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expiring.add(createAccessedNow(graced, 1, attributes));
            }
            String deleted = createAccessedNow(graced, 1, attributes);
            String living = createAccessedNow(graced, TIMEOUT, attributes);
            graced.write(new SessionChange.Delete(deleted));
            Thread.sleep(1_100);

            List<SessionRecord> claimed = Collections.synchronizedList(new ArrayList<>());
            Poll.until(Duration.ofSeconds(5), "the expired sessions claimed", () -> {
                runTogether(4, thread -> claimed.addAll(graced.claimExpired(now(), 100)));
                return claimed.size() >= expiring.size();
            });
            runTogether(4, thread -> claimed.addAll(graced.claimExpired(now(), 100)));

            assertEquals(new TreeSet<>(expiring),
                    new TreeSet<>(claimed.stream().map(SessionRecord::id).toList()));
            assertEquals(expiring.size(), claimed.size(), "each claimed once: " + claimed);
            for (SessionRecord record : claimed) {
                assertEquals(hex(attributes), hex(record.attributes()), "as it was");
                assertEquals(1, record.maxInactiveSeconds());
            }
            assertEquals(Optional.empty(), graced.loadAndTouch(expiring.get(0), -1, now()), "gone once claimed");
            assertTrue(graced.loadAndTouch(living, -1, now()).isPresent(), "a session not expired stays");
        } finally {
            graced.close();
        }
    }

    @Test
    void claimExpired_sessionTouchedMeanwhile_notClaimedWhileAlive() throws Exception {
        SessionStore graced = store(Duration.ofSeconds(30));
        try {
            String id = createAccessedNow(graced, 2, Map.of("a", bytes("1")));
            Thread.sleep(1_000);
            graced.touch(id, now());
            Thread.sleep(1_500); // past the first due time, within the touch's

            assertEquals(List.of(), graced.claimExpired(now(), 100).stream().map(SessionRecord::id)
                    .filter(id::equals).toList());
            assertTrue(graced.loadAndTouch(id, -1, now()).isPresent());
        } finally {
            graced.close();
        }
    }

    // ---- concurrency ----------------------------------------------------------------------------------------------

    @Test
    void write_concurrentUpdatesOfDifferentAttributes_allKeptAndEveryUpdateCounted() throws Exception {
        int threads = 8;
        int updates = 50;
        String id = create(TIMEOUT, Map.of("base", bytes("S")));
        Set<Long> versions = ConcurrentHashMap.newKeySet();

        runTogether(threads, thread -> {
            for (int i = 1; i <= updates; i++) {
                WriteResult result = store.write(update(id, Map.of("t" + thread, bytes("I" + i)), Set.of()));
                versions.add(((WriteResult.Written) result).version());
            }
        });

        Map<String, byte[]> expected = new HashMap<>(Map.of("base", bytes("S")));
        for (int thread = 0; thread < threads; thread++) {
            expected.put("t" + thread, bytes("I" + updates));
        }
        SessionRecord loaded = load(id, accessed).orElseThrow();
        assertEquals(hex(expected), hex(loaded.attributes()), "every thread's last value");
        assertEquals(1 + threads * updates, loaded.version(), "1 + one per update");
        assertEquals(LongStream.rangeClosed(2, 1 + threads * updates).boxed().collect(Collectors.toSet()), versions,
                "each update answered a version of its own");
    }

    @Test
    void write_concurrentUpdateAndDelete_sessionNeverResurrected() throws Exception {
        for (int round = 0; round < 100; round++) {
            String id = create(TIMEOUT, Map.of("base", bytes("S")));
            WriteResult[] updated = new WriteResult[1];

            runTogether(2, thread -> {
                if (thread == 0) {
                    updated[0] = store.write(update(id, Map.of("late", bytes("S")), Set.of()));
                } else {
                    assertEquals(WriteResult.DELETED, store.write(new SessionChange.Delete(id)));
                }
            });

            int r = round;
            assertTrue(new WriteResult.Written(2).equals(updated[0]) || WriteResult.GONE.equals(updated[0]),
                    "round " + r + ": update answered Written(2) or Gone, not " + updated[0]);
            Optional<SessionRecord> loaded = load(id, accessed);
            loaded.ifPresent(record -> assertTrue(record.attributes().containsKey("base"),
                    "round " + r + ": resurrected as " + record.attributes().keySet()));
            assertEquals(Optional.empty(), loaded.map(SessionRecord::attributes).map(Map::keySet),
                    "round " + r + ": deleted, whatever the order (update answered " + updated[0] + ")");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A fresh well-formed id: 16 random bytes in base64url, as the web layer makes them. */
    protected static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A whole session created at {@link #created} and last accessed at {@link #accessed}. */
    protected SessionChange.Snapshot snapshot(String id, int maxInactiveSeconds,
                                              Map<String, byte[]> attributes) {
        return new SessionChange.Snapshot(id, created, accessed, maxInactiveSeconds, attributes);
    }

    /** An update that leaves the timeout alone. */
    protected static SessionChange.Update update(String id, Map<String, byte[]> set, Set<String> removed) {
        return new SessionChange.Update(id, set, removed, OptionalInt.empty());
    }

    /** Creates a session under a fresh id and checks it was written as version 1; returns the id. */
    protected String create(int maxInactiveSeconds, Map<String, byte[]> attributes) {
        String id = newId();
        assertEquals(new WriteResult.Written(1),
                store.write(new SessionChange.Create(snapshot(id, maxInactiveSeconds, attributes))));
        return id;
    }

    /** A session last accessed now, for the expiry tests, which use the real clock. */
    protected String createAccessedNow(int maxInactiveSeconds, Map<String, byte[]> attributes) {
        return createAccessedNow(store, maxInactiveSeconds, attributes);
    }

    private static String createAccessedNow(SessionStore in, int maxInactiveSeconds, Map<String, byte[]> attributes) {
        String id = newId();
        long now = System.currentTimeMillis();
        assertEquals(new WriteResult.Written(1), in.write(new SessionChange.Create(
                new SessionChange.Snapshot(id, now, now, maxInactiveSeconds, attributes))));
        return id;
    }

    /** Loads with no known version. */
    protected Optional<SessionRecord> load(String id, long now) {
        return store.loadAndTouch(id, -1, now);
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Attributes as sorted name to hex text, so byte arrays compare by content and print readably. */
    protected static Map<String, String> hex(Map<String, byte[]> attributes) {
        Map<String, String> hex = new TreeMap<>();
        attributes.forEach((name, value) -> hex.put(name, HexFormat.of().formatHex(value)));
        return hex;
    }

    /** Asserts every field of a record, attributes byte by byte. */
    protected static void assertRecord(SessionRecord expected, SessionRecord actual) {
        assertEquals(expected.id(), actual.id(), "id");
        assertEquals(expected.creationTime(), actual.creationTime(), "creationTime");
        assertEquals(expected.lastAccessedTime(), actual.lastAccessedTime(), "lastAccessedTime");
        assertEquals(expected.maxInactiveSeconds(), actual.maxInactiveSeconds(), "maxInactiveSeconds");
        assertEquals(hex(expected.attributes()), hex(actual.attributes()), "attributes");
        assertEquals(expected.version(), actual.version(), "version");
    }

    /**
     * Waits until a session of a one-second timeout, last written or loaded at {@code touched} ({@link
     * System#nanoTime()}), is gone. A load renews what it finds, so each load comes at least 1.5 s after the
     * previous touch; fails after 5 s.
     */
    private void awaitGone(String id, long touched) throws Exception {
        long[] lastTouch = {touched};
        long spacing = 1_500 + expiryLag().toMillis(); // a load is an access: never within the timeout and lag
        Poll.until(EXPIRY_DEADLINE.plus(expiryLag().multipliedBy(3)), "session of a 1 s timeout gone", () -> {
            if (millisSince(lastTouch[0]) < spacing) {
                return false;
            }
            lastTouch[0] = System.nanoTime();
            return load(id, now()).isEmpty();
        });
    }

    /** A body run by each of {@code n} threads at once, told its thread number. */
    @FunctionalInterface
    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Starts {@code n} threads on a common signal and waits up to 30 s for all; rethrows the first failure. */
    private static void runTogether(int n, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int thread = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    body.run(thread);
                    return null;
                }));
            }
            assertTrue(ready.await(10, TimeUnit.SECONDS), "threads started");
            go.countDown();
            for (Future<?> future : futures) {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "threads ended");
        }
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
