package io.sessionstore.session.store;

import java.util.Map;

/**
 * A session as a store returns it, attribute values still encoded.
 *
 * @param id                 the session id
 * @param creationTime       epoch milliseconds
 * @param lastAccessedTime   epoch milliseconds of the access before the one that loaded it
 * @param maxInactiveSeconds zero or less: the session never times out
 * @param attributes         attribute name to encoded value; unmodifiable
 * @param version            see {@link SessionStore}: 1 when created, plus one per change
 * @param copy               served from a copy the store keeps (a near cache): as new as the client needs, but its
 *                           last access may miss accesses on other nodes since; see
 *                           {@link SessionStore#lastAccessedTime}
 * @param principal          the name of the session's principal (its signed-in user), by which the store indexes
 *                           it ({@link SessionStore#sessionsOf}); null for none
 */
public record SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                            Map<String, byte[]> attributes, long version, boolean copy, String principal) {

    public SessionRecord {
        attributes = Map.copyOf(attributes);
    }

    /** A record without a principal. */
    public SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                         Map<String, byte[]> attributes, long version, boolean copy) {
        this(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes, version, copy, null);
    }

    /** A record read from the store itself, not from a copy, without a principal. */
    public SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                         Map<String, byte[]> attributes, long version) {
        this(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes, version, false, null);
    }

    /** This record as served from a copy. */
    public SessionRecord asCopy() {
        return copy ? this : new SessionRecord(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes,
                version, true, principal);
    }

    /** This record with {@code lastAccessedTime} moved to {@code at}. */
    public SessionRecord accessedAt(long at) {
        return new SessionRecord(id, creationTime, at, maxInactiveSeconds, attributes, version, copy, principal);
    }
}
