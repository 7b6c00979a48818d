package io.sessionstore.session;

import java.util.Map;
import java.util.Set;

/**
 * What one request changes in the store, written in one round trip.
 *
 * @param deleteId  a session to delete (invalidated, or the old id after {@code changeSessionId}); may be null
 * @param moved     true: {@code id} is the session stored as {@code deleteId}, under a new id; it is written only
 *                  if {@code deleteId} still exists, so an id change never brings back an invalidated session
 * @param id        the session to write; null when there is only a delete
 * @param full      true: write the whole session under {@code id} (new or renamed); false: apply the changes to
 *                  an existing session only if it still exists, so a save never brings back an invalidated session
 * @param timeoutChanged a partial write sets the max inactive interval only when this request changed it, so a
 *                  save never undoes another node's change of it
 * @param set       attributes to set, encoded
 * @param removed   attributes to remove
 */
public record SessionWrite(String deleteId, boolean moved, String id, boolean full, long creationTime, long lastAccessedTime,
                           int maxInactiveSeconds, boolean timeoutChanged, Map<String, byte[]> set,
                           Set<String> removed) {

    public static SessionWrite deleteOnly(String deleteId) {
        return new SessionWrite(deleteId, false, null, false, 0, 0, 0, false, Map.of(), Set.of());
    }
}
