package io.sessionstore.session.cache;

/**
 * Tells a near cache which sessions changed elsewhere. A store that can announce its changes (Redis through pub/sub)
 * implements it; tests drive one by hand.
 *
 * <p>What a feed promises: every change made by any node is {@linkplain Listener#announced announced} to every
 * subscribed listener, at the latest before the write that made it is acknowledged to its writer (or a documented
 * bound after, such as the cluster bus on Redis Cluster). When it cannot keep that promise (a connection dropped,
 * messages may be lost) it says {@linkplain Listener#lost lost} at once, and {@linkplain Listener#subscribed
 * subscribed} only once announcements flow again.
 */
public interface InvalidationFeed extends AutoCloseable {

    /** What a feed tells its cache. Called from the feed's own threads; implementations are thread-safe. */
    interface Listener {
        /** Announcements flow from now on; anything cached before may have missed some. */
        void subscribed();

        /** Announcements may be lost from now on, until {@link #subscribed()}. */
        void lost();

        /**
         * A session changed.
         *
         * @param version the version the change made, or 0 when the session was deleted
         */
        void announced(String id, long version);
    }

    /**
     * Subscribes {@code listener} unless the feed is subscribed, an attempt is under way, or the last one failed too
     * recently. Asynchronous: returns at once, and {@link Listener#subscribed()} follows the confirmation. Called
     * before every cache lookup, always with the same listener, so it must be cheap while subscribed.
     */
    void subscribe(Listener listener);

    /** Stops delivering and releases the subscription. Never throws. */
    @Override
    void close();
}
