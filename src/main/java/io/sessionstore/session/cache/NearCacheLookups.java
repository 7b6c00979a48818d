package io.sessionstore.session.cache;

/**
 * Told of every session lookup in a {@link CachingSessionStore}: answered from this node's memory (a hit) or passed on
 * to the store behind (a miss), for counting. Implementations are thread-safe, quick (called on request threads, a
 * hit being the fastest path there is) and never throw.
 */
public interface NearCacheLookups {

    /** Tells nothing. */
    NearCacheLookups NONE = new NearCacheLookups() {
        @Override
        public void hit() {
        }

        @Override
        public void miss() {
        }
    };

    /** A load answered from the near cache, with no round trip. */
    void hit();

    /** A load the near cache could not answer (no copy, or one it may not use), passed on to the store behind. */
    void miss();
}
