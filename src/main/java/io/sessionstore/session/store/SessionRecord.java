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
 */
public record SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                            Map<String, byte[]> attributes, long version, boolean copy) {

    public SessionRecord {
        attributes = Map.copyOf(attributes);
    }

    /** A record read from the store itself, not from a copy. */
    public SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                         Map<String, byte[]> attributes, long version) {
        this(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes, version, false);
    }

    /** This record as served from a copy. */
    public SessionRecord asCopy() {
        return copy ? this : new SessionRecord(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes,
                version, true);
    }
}
