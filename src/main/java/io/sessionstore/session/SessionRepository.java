package io.sessionstore.session;

/**
 * Where sessions live. Each method is one round trip to the store; implementations throw
 * {@link SessionStoreUnavailableException} when the store does not answer.
 */
public interface SessionRepository {

    /**
     * Loads a session and records this access (last-access time, expiry) in the same round trip, or answers from a
     * near cache without one.
     *
     * @param knownVersion the session version the client was last told of, or -1 when it is not known
     * @return null when there is no such session (never created, expired or invalidated)
     */
    SessionRecord loadAndTouch(String id, long knownVersion, long now);

    /**
     * Applies one request's changes.
     *
     * @return the session's version after the write; 0 when the write only deleted, or when a partial write found
     *         its session gone (invalidated or expired meanwhile) and wrote nothing
     */
    long write(SessionWrite write);
}
