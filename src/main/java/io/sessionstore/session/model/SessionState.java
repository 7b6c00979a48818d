package io.sessionstore.session.model;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.UnreadableSessionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One session as one request sees it: the attributes as loaded, the request's changes to them, and where the session
 * is in its {@link Lifecycle}. {@link #changes()} turns what happened since the last save into one
 * {@link SessionChange}; only changed attributes are written, so two nodes changing different attributes of one
 * session at the same time both keep their change.
 *
 * <p>Thread-safe: a request's async threads may share it. Knows nothing of servlets; the web layer adapts it to
 * {@code HttpSession}.
 */
public final class SessionState {

    /** Where a session is, as far as this request knows. Each {@link #changes()} moves it as noted. */
    public enum Lifecycle {
        /** Created by this request, never saved: the next save is a {@link SessionChange.Create}; then STORED. */
        NEW,
        /** In the store under its id: the next save is an {@link SessionChange.Update} of what changed, if any. */
        STORED,
        /** In the store under its old id, with a new one: the next save is a {@link SessionChange.Rename}; then STORED. */
        RENAMED,
        /** Invalidated, its stored copy not deleted yet: the next save is a {@link SessionChange.Delete}; then ENDED. */
        INVALIDATED,
        /** Invalidated, nothing left in the store: nothing more to save. */
        ENDED
    }

    private final AttributeCodec codec;
    private final long creationTime;
    private long lastAccessedTime;
    /** Loaded from a copy whose last access may miss other nodes' accesses, and not asked about since. */
    private boolean lastAccessMayLag;
    /** When this request accessed the session: its last access once it is saved whole. */
    private final long accessTime;
    private final Map<String, Object> attributes;
    /** Each attribute as the store holds it (as loaded, or as last written): to tell a value changed in place. */
    private final Map<String, byte[]> stored;
    /** Each attribute's encoded size as last encoded, in bytes: what it adds to the session's size. */
    private final Map<String, Integer> sizes = new HashMap<>();
    /** Attributes whose mutable values the application was handed: they may have been changed in place. */
    private final Set<String> handedOut = new HashSet<>();
    private final Set<String> changed = new HashSet<>();
    private final Set<String> removed = new HashSet<>();

    private Lifecycle lifecycle;
    private String id;
    /** The id in the store while RENAMED or INVALIDATED. */
    private String storedId;
    private int maxInactiveSeconds;
    private boolean maxInactiveChanged;
    /** The name of the session's principal (its signed-in user), or null. */
    private String principal;
    private boolean principalChanged;
    private final boolean isNew;

    private SessionState(AttributeCodec codec, Lifecycle lifecycle, String id, long creationTime,
                         long lastAccessedTime, long accessTime, int maxInactiveSeconds,
                         Map<String, Object> attributes, Map<String, byte[]> stored) {
        this.codec = codec;
        this.lifecycle = lifecycle;
        this.id = id;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.accessTime = accessTime;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.attributes = attributes;
        this.stored = stored;
        this.isNew = lifecycle == Lifecycle.NEW;
    }

    /**
     * A session this request creates.
     *
     * @param now                epoch milliseconds: its creation and last-access time
     * @param maxInactiveSeconds zero or less: it never times out
     */
    public static SessionState created(AttributeCodec codec, String id, long now, int maxInactiveSeconds) {
        return new SessionState(codec, Lifecycle.NEW, id, now, now, now, maxInactiveSeconds, new LinkedHashMap<>(),
                new HashMap<>());
    }

    /**
     * A stored session, its attributes decoded.
     *
     * @param now epoch milliseconds of this access
     * @throws UnreadableSessionException when an attribute cannot be decoded
     */
    public static SessionState loaded(AttributeCodec codec, SessionRecord record, long now) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        record.attributes().forEach((name, bytes) -> attributes.put(name, codec.decode(name, bytes)));
        SessionState state = new SessionState(codec, Lifecycle.STORED, record.id(), record.creationTime(),
                record.lastAccessedTime(), now, record.maxInactiveSeconds(), attributes,
                new HashMap<>(record.attributes()));
        state.lastAccessMayLag = record.copy();
        state.principal = record.principal();
        record.attributes().forEach((name, bytes) -> state.sizes.put(name, bytes.length));
        return state;
    }

    /**
     * Gives the session its principal as the request ends: the name of its signed-in user, by which the store indexes
     * it. Saved with the next {@link #changes()} when it differs from the stored one.
     *
     * @param name the principal's name; null or empty for none
     */
    public synchronized void principal(String name) {
        String now = name == null || name.isEmpty() ? null : name;
        if (!Objects.equals(now, principal)) {
            principal = now;
            principalChanged = true;
        }
    }

    public synchronized Lifecycle lifecycle() {
        return lifecycle;
    }

    public synchronized boolean isValid() {
        return lifecycle != Lifecycle.INVALIDATED && lifecycle != Lifecycle.ENDED;
    }

    public synchronized String id() {
        return id;
    }

    /** Whether this request created it (Servlet 6.1, {@code HttpSession.isNew}). */
    public synchronized boolean isNew(String method) {
        requireValid(method);
        return isNew;
    }

    /** @throws IllegalStateException once invalidated, as every accessor below that names a method */
    public synchronized long creationTime(String method) {
        requireValid(method);
        return creationTime;
    }

    /** Epoch milliseconds of the access before this request's. */
    public synchronized long lastAccessedTime(String method) {
        requireValid(method);
        return lastAccessedTime;
    }

    /**
     * Whether the session was loaded from a copy whose last access may miss accesses on other nodes
     * ({@link SessionRecord#copy()}), and the store was not asked since.
     */
    public synchronized boolean lastAccessMayLag() {
        return lastAccessMayLag;
    }

    /**
     * The store's answer for the last access: taken when later than the copy's and earlier than this request's
     * access (which the store may already hold).
     *
     * @param storeKnows epoch milliseconds, or empty when the store no longer has the session
     */
    public synchronized void lastAccessFromStore(OptionalLong storeKnows) {
        lastAccessMayLag = false;
        if (storeKnows.isPresent() && storeKnows.getAsLong() > lastAccessedTime
                && storeKnows.getAsLong() < accessTime) {
            lastAccessedTime = storeKnows.getAsLong();
        }
    }

    public synchronized int maxInactiveSeconds() {
        return maxInactiveSeconds;
    }

    public synchronized void setMaxInactiveSeconds(int seconds) {
        if (seconds != maxInactiveSeconds) {
            maxInactiveSeconds = seconds;
            maxInactiveChanged = true;
        }
    }

    /** @return the value, or null */
    public synchronized Object attribute(String method, String name) {
        requireValid(method);
        Object value = attributes.get(name);
        if (value != null && !AttributeCodec.isImmutable(value)) {
            handedOut.add(name);
        }
        return value;
    }

    /**
     * The value, without counting it as handed to the application (it is not checked for changes in place).
     *
     * @return the value, or null
     */
    public synchronized Object peek(String method, String name) {
        requireValid(method);
        return attributes.get(name);
    }

    /**
     * The values that are instances of {@code type}, in the order they were set, for the web layer's listeners;
     * empty once the session is no longer valid. Allocates nothing when there are none, which is the case on
     * nearly every request.
     */
    public synchronized <T> List<T> valuesOf(Class<T> type) {
        if (!isValid()) {
            return List.of();
        }
        List<T> found = null;
        for (Object value : attributes.values()) {
            if (type.isInstance(value)) {
                if (found == null) {
                    found = new ArrayList<>();
                }
                found.add(type.cast(value));
            }
        }
        return found == null ? List.of() : found;
    }

    /** @throws IllegalArgumentException when the value cannot be stored or would not be read back */
    public void requireStorable(String name, Object value) {
        codec.encodeReadable(name, value);
    }

    /** @return a copy of the names */
    public synchronized List<String> attributeNames(String method) {
        requireValid(method);
        return List.copyOf(attributes.keySet());
    }

    /**
     * Sets an attribute, checking first that the value can be stored and read back, and that the session stays
     * within its {@link SizeLimits}, so a bad value fails here rather than at the end of the request.
     *
     * @return the value it replaced, or null
     * @throws IllegalStateException once invalidated
     * @throws IllegalArgumentException when the value cannot be stored or would not be read back, or the session
     *                                  would be larger than {@link SizeLimits#maxSessionBytes()}; nothing changes
     */
    public synchronized Object setAttribute(String method, String name, Object value) {
        requireValid(method);
        int size = codec.encodeReadable(name, value).length;
        long sessionSize = size - sizes.getOrDefault(name, 0)
                + sizes.values().stream().mapToLong(Integer::longValue).sum();
        if (sessionSize > codec.limits().maxSessionBytes()) {
            throw codec.limits().sessionTooLarge(name, sessionSize);
        }
        sizes.put(name, size);
        Object old = attributes.put(name, value);
        changed.add(name);
        removed.remove(name);
        if (!AttributeCodec.isImmutable(value)) {
            handedOut.add(name);
        }
        return old;
    }

    /** @return the value removed, or null when there was none */
    public synchronized Object removeAttribute(String method, String name) {
        requireValid(method);
        Object old = attributes.remove(name);
        sizes.remove(name);
        if (old != null) {
            changed.remove(name);
            removed.add(name);
        }
        return old;
    }

    /**
     * Ends the session.
     *
     * @return the attributes it held, for unbinding
     * @throws IllegalStateException when it was already invalidated
     */
    public synchronized Map<String, Object> invalidate(String method) {
        requireValid(method);
        Map<String, Object> unbound = new LinkedHashMap<>(attributes);
        attributes.clear();
        sizes.clear();
        if (lifecycle == Lifecycle.NEW) {
            lifecycle = Lifecycle.ENDED;
        } else {
            if (lifecycle == Lifecycle.STORED) {
                storedId = id;
            }
            lifecycle = Lifecycle.INVALIDATED;
        }
        return unbound;
    }

    /**
     * Ends a session whose first save failed: the store never had it, so nothing is left to write (its
     * {@link SessionChange.Create} was already taken by {@link #changes()}).
     *
     * @return the attributes it held, for unbinding
     */
    public synchronized Map<String, Object> endUnstored() {
        Map<String, Object> unbound = new LinkedHashMap<>(attributes);
        attributes.clear();
        sizes.clear();
        clearChanges();
        lifecycle = Lifecycle.ENDED;
        return unbound;
    }

    /**
     * The store answered that the session no longer exists (invalidated on another node, or expired): it ends here
     * too, with nothing left to write.
     */
    public synchronized void gone() {
        attributes.clear();
        sizes.clear();
        clearChanges();
        lifecycle = Lifecycle.ENDED;
    }

    /** Gives the session a new id ({@code HttpServletRequest.changeSessionId()}). */
    public synchronized void changeId(String newId) {
        requireValid("changeSessionId");
        if (lifecycle == Lifecycle.STORED) {
            storedId = id;
            lifecycle = Lifecycle.RENAMED;
        }
        id = newId;
    }

    /**
     * What brings the store up to date with this session, or empty when nothing changed since the last call. The
     * session then counts as saved: a later call returns only what changed after this one.
     */
    public synchronized Optional<SessionChange> changes() {
        switch (lifecycle) {
            case NEW:
                lifecycle = Lifecycle.STORED;
                clearChanges();
                return Optional.of(new SessionChange.Create(snapshot()));
            case RENAMED:
                lifecycle = Lifecycle.STORED;
                clearChanges();
                return Optional.of(new SessionChange.Rename(storedId, snapshot()));
            case INVALIDATED:
                lifecycle = Lifecycle.ENDED;
                return Optional.of(new SessionChange.Delete(storedId));
            case ENDED:
                return Optional.empty();
            case STORED:
            default:
                Map<String, byte[]> set = changedInPlace();
                changed.forEach(name -> set.put(name, codec.encode(name, attributes.get(name))));
                if (set.isEmpty() && removed.isEmpty() && !maxInactiveChanged && !principalChanged) {
                    return Optional.empty();
                }
                SessionChange update = new SessionChange.Update(id, set, removed,
                        maxInactiveChanged ? OptionalInt.of(maxInactiveSeconds) : OptionalInt.empty(),
                        principalChanged ? Optional.of(principal == null ? "" : principal) : Optional.empty());
                stored.putAll(set);
                set.forEach((name, bytes) -> sizes.put(name, bytes.length));
                removed.forEach(stored::remove);
                clearChanges();
                return Optional.of(update);
        }
    }

    private void requireValid(String method) {
        if (!isValid()) {
            throw new IllegalStateException(method + ": the session has been invalidated");
        }
    }

    /**
     * The attributes the application was handed, did not set again, and changed in place (a session-scoped bean
     * whose setters were called): each mutable value handed out is encoded again and compared with what the store
     * holds. The cost is one encoding per such attribute and save; immutable values (strings, numbers, dates) and
     * attributes never read cost nothing.
     *
     * @throws IllegalArgumentException when such a value can no longer be stored (it now holds something that is
     *                                  not serializable)
     */
    private Map<String, byte[]> changedInPlace() {
        Map<String, byte[]> set = new LinkedHashMap<>();
        for (String name : handedOut) {
            Object value = attributes.get(name);
            if (value != null && !changed.contains(name)) {
                byte[] now = codec.encode(name, value);
                if (!Arrays.equals(now, stored.get(name))) {
                    set.put(name, now);
                }
            }
        }
        return set;
    }

    private SessionChange.Snapshot snapshot() {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        stored.clear();
        stored.putAll(encoded);
        sizes.clear();
        encoded.forEach((name, bytes) -> sizes.put(name, bytes.length));
        return new SessionChange.Snapshot(id, creationTime, accessTime, maxInactiveSeconds, encoded, principal);
    }

    private void clearChanges() {
        changed.clear();
        removed.clear();
        maxInactiveChanged = false;
        principalChanged = false;
    }
}
