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
 */
public record SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                            Map<String, byte[]> attributes, long version) {

    public SessionRecord {
        attributes = Map.copyOf(attributes);
    }
}
