package io.sessionstore.session.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where sessions live: the service provider interface that the Redis store, the in-memory store and the near cache
 * (a decorator over any store) implement.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Concurrency.</b> Implementations are thread-safe. Calls for one session come at the same time from
 *       several requests, on several nodes: each call is atomic on its own (a load sees a write whole or not at all),
 *       and an {@link SessionChange.Update} applies only the attributes it names, so two requests that change
 *       different attributes of one session both keep their change. There is no lock across calls.</li>
 *   <li><b>Ids are untrusted input.</b> They come from a cookie. The web layer passes only well-formed ids (22
 *       characters of base64url), but a store must not rely on that for safety: an id is data, never part of a
 *       command, a pattern or a path, and an unknown id finds nothing and creates nothing.</li>
 *   <li><b>Versions.</b> Every stored session has a version: 1 when it is created (or written whole under a new
 *       id), plus one for every {@link SessionChange.Update}. A load returns the version it read; a write returns
 *       the version it made. Clients are told the version, so that no node ever answers them from an older copy.
 *       Touching a session on load is not a change and does not move the version.</li>
 *   <li><b>Gone.</b> A session is gone when it was never created, was deleted, or expired. A load of a gone session
 *       finds nothing; a write that needs the session to exist ({@link SessionChange.Update},
 *       {@link SessionChange.Rename}) answers {@link WriteResult.Gone} and writes nothing, so a late save never
 *       brings back a session that another request invalidated; a {@link SessionChange.Delete} of a session that is
 *       not there answers {@link WriteResult.Gone} too, so that only the call that ended a session tells of it.</li>
 *   <li><b>Expiry.</b> A session whose {@code maxInactiveSeconds} is positive is gone once that many seconds passed
 *       since its last access (a load, a write or a {@link #touch}), plus at most a lag of the store's own: a store
 *       that records touches in the background counts a session expired only that much later, so that an access on
 *       its way never lets it expire (the Redis store's lag is two of its sending intervals). Zero or less means it
 *       never expires.</li>
 *   <li><b>Cost.</b> Each call is at most one round trip to the store's server, except {@link SessionChange.Rename}
 *       where the old and the new key may live on two servers, and {@link #sessionsOf}, an operator's or a user's
 *       lookup (the index, then the sessions).</li>
 *   <li><b>Failures.</b> A store that cannot be reached, or does not answer in time, throws
 *       {@link SessionStoreUnavailableException}; the outcome of the call is then unknown. A stored session that
 *       cannot be read back throws {@link UnreadableSessionException}.</li>
 * </ul>
 */
public interface SessionStore extends AutoCloseable {

    /**
     * Loads a session and records this access in the same call: the last-access time becomes {@code now} and the
     * expiry starts again.
     *
     * @param id           the session id from the client; untrusted
     * @param knownVersion the version the client was last told of, or -1 when it is not known; a store that answers
     *                     from a copy of its own answers only with a copy at least that new
     * @param now          the access time, epoch milliseconds
     * @return the session as it was before this access (its {@code lastAccessedTime} is the previous access), or
     *         empty when it is gone
     * @throws SessionStoreUnavailableException when the store cannot be reached
     * @throws UnreadableSessionException when the stored session is corrupt
     */
    Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now);

    /**
     * The session's last access as the store knows it now, for a request whose record is a {@link SessionRecord#copy()}
     * and whose application asks {@code HttpSession.getLastAccessedTime()}: other nodes may have served the session
     * since the copy was made. Not an access itself.
     *
     * @param id the session id; untrusted
     * @return epoch milliseconds (accesses recorded in the background may be missing for up to the store's lag), or
     *         empty when the session is gone
     * @throws SessionStoreUnavailableException when the store cannot be reached
     */
    OptionalLong lastAccessedTime(String id);

    /**
     * Applies one request's change.
     *
     * @return what the write did; never null
     * @throws SessionStoreUnavailableException when the store cannot be reached; the change may or may not have
     *                                          been applied
     */
    WriteResult write(SessionChange change);

    /**
     * Records an access to a session without loading it: a request that carried the session's id but never asked
     * for its session, which still counts as an access (Servlet 6.1, section 7.6), or a load answered from a copy.
     * The last-access time becomes the later of the stored one and {@code now}, and the expiry starts again, but
     * only if the session had not expired at {@code now}: a late touch never brings an expired session back. An
     * unknown id is ignored. A store may coalesce touches and send them in the background, at most its
     * housekeeping interval later; it then never blocks the caller.
     *
     * @param id  the session id from the client; untrusted
     * @param now the access time, epoch milliseconds
     */
    void touch(String id, long now);

    /**
     * Asks to be told, for each touch that reaches the store, the session's version there at that moment: what a
     * near cache needs to bound how long it trusts a copy (a session deleted, expired or given a new version by
     * anyone, an operator's {@code DEL} or a {@code FLUSHALL} included, is noticed by the next touch; fields changed
     * without a new version are not). The default tells nothing, which
     * is safe: a copy that is never confirmed is used only until its trust runs out, then loaded again.
     *
     * @param listener called from the store's own threads (or the toucher's, for a store that touches at once);
     *                 must be quick and must not throw
     */
    default void addTouchListener(TouchListener listener) {
    }

    /**
     * Asks the store to look up, with each of its background sends, the versions of the sessions {@code source} names
     * then, without an access (the last-access time and the expiry stay as they are), and to tell them to the
     * {@linkplain #addTouchListener touch listeners} as it tells a touch's answer. A near cache keeps its copies of
     * sessions that are in use, but not on every send, confirmed this way. A lookup finds 0 for a session gone, but
     * does not check its expiry (the caller checks that against the last access it knows of). Replaces the source
     * given before. The default looks nothing up, which is safe: copies are then confirmed by touches and loads only.
     *
     * @param source asked on the store's own thread, once per send; must be quick; what it throws costs that send's
     *               lookups only
     */
    default void confirmVersions(VersionsToConfirm source) {
    }

    /** The sessions whose versions to look up with a send: see {@link #confirmVersions}. Thread-safe. */
    @FunctionalInterface
    interface VersionsToConfirm {
        /**
         * @param now epoch milliseconds, the time of the send
         * @return the session ids; never null
         */
        Collection<String> at(long now);
    }

    /** What a touch found: see {@link #addTouchListener}. Implementations are thread-safe. */
    @FunctionalInterface
    interface TouchListener {
        /**
         * @param id      the session touched
         * @param version its version in the store when the touch reached it; 0 when it was gone or expired
         * @param sentAt  epoch milliseconds no later than the moment the store looked: the version held then
         */
        void touched(String id, long version, long sentAt);
    }

    /**
     * Removes sessions that expired at or before {@code now} and returns them as they were, for the application to
     * be told ({@code HttpSessionListener.sessionDestroyed}). Each expired session is returned to exactly one
     * caller, across all threads and nodes; a session deleted before it expired is never returned, nor one whose
     * data the store no longer holds.
     *
     * @param now epoch milliseconds
     * @param max sessions returned at most; call again while a call returns {@code max}
     * @return the sessions removed; empty when none expired
     * @throws SessionStoreUnavailableException when the store cannot be reached
     * @throws UnreadableSessionException never: a session that cannot be read is removed and not returned
     */
    List<SessionRecord> claimExpired(long now, int max);

    /**
     * The sessions of a principal, oldest first: those written with {@code principal} as their
     * {@link SessionRecord#principal()} that the store still holds with it, an expired one that no claim has taken yet
     * included (whether it expired is the store's to decide, not a caller's clock: ending it is harmless, missing a
     * live one is not). A store keeps an index for this; entries of sessions gone or given another principal are
     * removed on the way (the index is cleaned as it is read). Not an access: nothing is touched.
     *
     * @param principal the principal's name; data, never part of a command or a pattern
     * @return the sessions as stored; empty when there are none
     * @throws UnsupportedOperationException when this store keeps no principal index (the default)
     * @throws SessionStoreUnavailableException when the store cannot be reached
     */
    default List<SessionRecord> sessionsOf(String principal) {
        throw new UnsupportedOperationException("This session store keeps no index of principals");
    }

    /** Releases what the store holds (subscriptions, threads); the default holds nothing. Never throws. */
    @Override
    default void close() {
    }
}
