package io.sessionstore.session.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.SessionRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The near cache's estimate of its heap against the heap it takes: 100,000 sessions like the demo's (a 22-character
 * id, one attribute of 30 bytes, a principal), measured by walking everything the cache reaches (JOL's
 * {@link GraphLayout}, the object sizes of this JVM) full and empty. Unlike the used heap after collections, this
 * does not count what other threads of the test JVM allocate meanwhile.
 */
class NearCacheHeapTest {

    private static final int SESSIONS = 100_000;

    static {
        // The cache's weigher and listener are lambdas: hidden classes, whose field offsets only this mode reads.
        System.setProperty("jol.magicFieldOffset", "true");
    }

    @Test
    void estimatedBytes_demoSessions_withinAFifthOfTheHeapMeasured() {
        NearCache cache = new NearCache(SESSIONS, 1L << 34, 600_000, 1_000, 10_000);
        cache.subscribed();
        long empty = GraphLayout.parseInstance(cache).totalSize();
        long now = System.currentTimeMillis();
        for (int i = 0; i < SESSIONS; i++) {
            String email = String.format("user%07d@example.com", i);
            byte[] serialized = new byte[7 + email.length()]; // a serialised String: its header and characters
            cache.put(new SessionRecord(String.format("%022d", i), now, now, 1800, Map.of("email", serialized), 2,
                    false, email), cache.generation(), now);
        }
        long measured = (GraphLayout.parseInstance(cache).totalSize() - empty) / SESSIONS;
        long estimated = cache.estimatedBytes() / SESSIONS;

        System.out.printf("Near cache heap per session: estimated %d bytes, measured %d%n", estimated, measured);
        assertEquals(SESSIONS, cache.size());
        assertTrue(Math.abs(estimated - measured) <= measured / 5,
                "estimated " + estimated + " bytes per session, measured " + measured);
    }
}
