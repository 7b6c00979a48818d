package io.sessionstore.session;

/**
 * Where sessions live. Each method is one round trip to the store; implementations throw
 * {@link SessionStoreUnavailableException} when the store does not answer.
 */
public interface SessionRepository {

    /**
     * Loads a session and records this access (last-access time, expiry) in the same round trip.
     *
     * @return null when there is no such session (never created, expired or invalidated)
     */
    SessionRecord loadAndTouch(String id, long now);

    /**
     * Applies one request's changes.
     *
     * @return false when a partial write found its session gone (invalidated or expired meanwhile): nothing written
     */
    boolean write(SessionWrite write);
}
