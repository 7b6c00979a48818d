package io.sessionstore.session.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What one request changes in the store: exactly one of five kinds, each written in one call of
 * {@link SessionStore#write}. Attribute values are encoded; maps and sets are copied and unmodifiable.
 */
public sealed interface SessionChange {

    /**
     * A whole session, as written by {@link Create}, {@link Rename} and {@link Replace}.
     *
     * @param lastAccessedTime epoch milliseconds of this request's access
     * @param principal        the session's principal, see {@link SessionRecord#principal()}; null for none
     */
    record Snapshot(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                    Map<String, byte[]> attributes, String principal) {
        public Snapshot {
            Objects.requireNonNull(id, "id");
            attributes = Map.copyOf(attributes);
        }

        /** A session without a principal. */
        public Snapshot(String id, long creationTime, long lastAccessedTime, int maxInactiveSeconds,
                        Map<String, byte[]> attributes) {
            this(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes, null);
        }

        /** The record a load would return right after this snapshot was written as {@code version}. */
        public SessionRecord stored(long version) {
            return new SessionRecord(id, creationTime, lastAccessedTime, maxInactiveSeconds, attributes, version,
                    false, principal);
        }
    }

    /** A session stored for the first time. Result: {@link WriteResult.Written} with version 1. */
    record Create(Snapshot session) implements SessionChange {
        public Create {
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * Changes to a stored session: only the named attributes are set or removed, so changes that other requests
     * made to other attributes stay. Result: {@link WriteResult.Written} with the next version, or
     * {@link WriteResult.Gone} (nothing written) when the session no longer exists.
     *
     * @param maxInactiveSeconds present only when this request changed it, so a save never undoes another
     *                           node's change of the timeout
     * @param principal          present only when this request changed the session's principal: its new name, or
     *                           the empty string for none
     */
    record Update(String id, Map<String, byte[]> set, Set<String> removed, OptionalInt maxInactiveSeconds,
                  Optional<String> principal) implements SessionChange {
        public Update {
            Objects.requireNonNull(id, "id");
            set = Map.copyOf(set);
            removed = Set.copyOf(removed);
            Objects.requireNonNull(maxInactiveSeconds, "maxInactiveSeconds");
            Objects.requireNonNull(principal, "principal");
            if (set.isEmpty() && removed.isEmpty() && maxInactiveSeconds.isEmpty() && principal.isEmpty()) {
                throw new IllegalArgumentException("An update must change something");
            }
            if (set.keySet().stream().anyMatch(removed::contains)) {
                throw new IllegalArgumentException("An attribute cannot be both set and removed");
            }
        }

        /** An update that leaves the principal as it is. */
        public Update(String id, Map<String, byte[]> set, Set<String> removed, OptionalInt maxInactiveSeconds) {
            this(id, set, removed, maxInactiveSeconds, Optional.empty());
        }

        /** The record a load would return after this update was applied to {@code record} as {@code version}. */
        public SessionRecord applyTo(SessionRecord record, long version) {
            Map<String, byte[]> attributes = new HashMap<>(record.attributes());
            attributes.putAll(set);
            removed.forEach(attributes::remove);
            return new SessionRecord(record.id(), record.creationTime(), record.lastAccessedTime(),
                    maxInactiveSeconds.orElse(record.maxInactiveSeconds()), attributes, version, false,
                    principal.map(name -> name.isEmpty() ? null : name).orElse(record.principal()));
        }
    }

    /**
     * An invalidated session. Result: {@link WriteResult.Deleted} when it still existed (an expired session kept for
     * its claim included), {@link WriteResult.Gone} when it did not.
     */
    record Delete(String id) implements SessionChange {
        public Delete {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * A stored session under a new id ({@code HttpServletRequest.changeSessionId()}): the old id is deleted, and
     * the session is written whole under the new one only if the old one still existed, so an id change never
     * brings back a session invalidated meanwhile. Result: {@link WriteResult.Written} with version 1, or
     * {@link WriteResult.Gone}.
     */
    record Rename(String oldId, Snapshot session) implements SessionChange {
        public Rename {
            Objects.requireNonNull(oldId, "oldId");
            Objects.requireNonNull(session, "session");
            if (oldId.equals(session.id())) {
                throw new IllegalArgumentException("A rename needs a new id");
            }
        }
    }

    /**
     * A session invalidated by a request that then created a new, unrelated one: the old one is deleted and the new
     * one created. Result: {@link WriteResult.Written} with version 1 for the new session.
     */
    record Replace(String deletedId, Snapshot session) implements SessionChange {
        public Replace {
            Objects.requireNonNull(deletedId, "deletedId");
            Objects.requireNonNull(session, "session");
            if (deletedId.equals(session.id())) {
                throw new IllegalArgumentException("A replacement needs a new id");
            }
        }
    }
}
