package io.sessionstore.session.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.SessionRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The near cache's estimate of its heap against the heap it takes, measured after garbage collections: 100,000
 * sessions like the demo's (a 22-character id, one attribute of 30 bytes, a principal).
 */
class NearCacheHeapTest {

    private static final int SESSIONS = 100_000;

    @Test
    void estimatedBytes_demoSessions_withinAFifthOfTheHeapMeasured() throws Exception {
        NearCache cache = new NearCache(SESSIONS, 1L << 34, 600_000, 1_000, 10_000);
        cache.subscribed();
        long now = System.currentTimeMillis();
        long before = usedHeap();
        for (int i = 0; i < SESSIONS; i++) {
            String email = String.format("user%07d@example.com", i);
            byte[] serialized = new byte[7 + email.length()]; // a serialised String: its header and characters
            cache.put(new SessionRecord(String.format("%022d", i), now, now, 1800, Map.of("email", serialized), 2,
                    false, email), cache.generation(), now);
        }
        long measured = (usedHeap() - before) / SESSIONS;
        long estimated = cache.estimatedBytes() / SESSIONS;

        System.out.printf("Near cache heap per session: estimated %d bytes, measured %d%n", estimated, measured);
        assertEquals(SESSIONS, cache.size());
        assertTrue(Math.abs(estimated - measured) <= measured / 5,
                "estimated " + estimated + " bytes per session, measured " + measured);
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
