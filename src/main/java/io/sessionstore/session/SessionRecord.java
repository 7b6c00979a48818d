package io.sessionstore.session;

import java.util.Map;

/**
 * A session as loaded from the store, attribute values still encoded.
 *
 * @param lastAccessedTime the access before the one that loaded it
 * @param maxInactiveSeconds zero or less: the session never times out
 * @param version   incremented by every change; a client is told it, so it never reads an older one
 */
public record SessionRecord(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                            Map<String, byte[]> attributes, long version) {
}
