package io.sessionstore.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link HttpSession} a request sees: the attributes as loaded, plus a record of what this request changed.
 * Only the changes are written back ({@link #changes}), so two nodes changing different attributes of one session
 * at the same time both keep their change.
 */
final class DistributedSession implements HttpSession {

    private final ServletContext servletContext;
    private final AttributeCodec codec;
    private final long creationTime;
    private final long lastAccessedTime;
    /** When this request accessed the session: the store's last-access time once it is saved. */
    private final long accessTime;
    private final Map<String, Object> attributes;
    private final Set<String> changed = new HashSet<>();
    private final Set<String> removed = new HashSet<>();

    private String id;
    /** The id this session has in the store, until a commit moves it; null while the session is not stored. */
    private String storedId;
    private int maxInactiveSeconds;
    private boolean maxInactiveChanged;
    private boolean isNew;
    private boolean invalid;

    private DistributedSession(ServletContext servletContext, AttributeCodec codec, String id, String storedId,
                               long creationTime, long lastAccessedTime, long accessTime, int maxInactiveSeconds,
                               Map<String, Object> attributes, boolean isNew) {
        this.servletContext = servletContext;
        this.codec = codec;
        this.id = id;
        this.storedId = storedId;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.accessTime = accessTime;
        this.maxInactiveSeconds = maxInactiveSeconds;
        this.attributes = attributes;
        this.isNew = isNew;
    }

    static DistributedSession created(ServletContext context, AttributeCodec codec, String id, long now,
                                      int maxInactiveSeconds) {
        return new DistributedSession(context, codec, id, null, now, now, now, maxInactiveSeconds,
                new LinkedHashMap<>(), true);
    }

    /** @throws UnreadableSessionException when an attribute cannot be decoded */
    static DistributedSession loaded(ServletContext context, AttributeCodec codec, SessionRecord record, long now) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        record.attributes().forEach((name, bytes) -> attributes.put(name, codec.decode(name, bytes)));
        return new DistributedSession(context, codec, record.id(), record.id(), record.creationTime(),
                record.lastAccessedTime(), now, record.maxInactiveSeconds(), attributes, false);
    }

    // --- HttpSession ---------------------------------------------------------------------------------------------

    @Override
    public synchronized long getCreationTime() {
        checkValid("getCreationTime");
        return creationTime;
    }

    @Override
    public synchronized String getId() {
        return id;
    }

    @Override
    public synchronized long getLastAccessedTime() {
        checkValid("getLastAccessedTime");
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return servletContext;
    }

    @Override
    public synchronized void setMaxInactiveInterval(int interval) {
        if (interval != maxInactiveSeconds) {
            maxInactiveSeconds = interval;
            maxInactiveChanged = true;
        }
    }

    @Override
    public synchronized int getMaxInactiveInterval() {
        return maxInactiveSeconds;
    }

    @Override
    public synchronized Object getAttribute(String name) {
        checkValid("getAttribute");
        return attributes.get(name);
    }

    @Override
    public synchronized Enumeration<String> getAttributeNames() {
        checkValid("getAttributeNames");
        return Collections.enumeration(new HashSet<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (name == null) {
            throw new IllegalArgumentException("Session attribute name must not be null");
        }
        Object old;
        synchronized (this) {
            checkValid("setAttribute");
            codec.encodeReadable(name, value); // fails now, not at the end of the request
            old = attributes.put(name, value);
            changed.add(name);
            removed.remove(name);
        }
        if (old != value && old instanceof HttpSessionBindingListener listener) {
            listener.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        if (old != value && value instanceof HttpSessionBindingListener listener) {
            listener.valueBound(new HttpSessionBindingEvent(this, name, value));
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old;
        synchronized (this) {
            checkValid("removeAttribute");
            old = attributes.remove(name);
            if (old != null) {
                changed.remove(name);
                removed.add(name);
            }
        }
        if (old instanceof HttpSessionBindingListener listener) {
            listener.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
    }

    @Override
    public void invalidate() {
        Map<String, Object> unbound;
        synchronized (this) {
            checkValid("invalidate");
            invalid = true;
            unbound = new HashMap<>(attributes);
            attributes.clear();
        }
        unbound.forEach((name, value) -> {
            if (value instanceof HttpSessionBindingListener listener) {
                listener.valueUnbound(new HttpSessionBindingEvent(this, name, value));
            }
        });
    }

    @Override
    public synchronized boolean isNew() {
        checkValid("isNew");
        return isNew;
    }

    // --- used by the request -------------------------------------------------------------------------------------

    synchronized boolean isValid() {
        return !invalid;
    }

    synchronized void changeId(String newId) {
        id = newId;
    }

    /** Whether the client has to be told of this session's id: its cookie holds another one, or none. */
    synchronized boolean idDiffersFrom(String clientId) {
        return !id.equals(clientId);
    }

    /**
     * The write that brings the store up to date with this session, or null when nothing changed. The session
     * then counts as saved: a later call returns only what changed after this one.
     */
    synchronized SessionWrite changes() {
        if (invalid) {
            String deleteId = storedId;
            storedId = null;
            return deleteId == null ? null : SessionWrite.deleteOnly(deleteId);
        }
        boolean full = !id.equals(storedId);
        if (!full && changed.isEmpty() && removed.isEmpty() && !maxInactiveChanged) {
            return null;
        }
        Map<String, byte[]> set = new LinkedHashMap<>();
        for (String name : full ? attributes.keySet() : changed) {
            set.put(name, codec.encode(name, attributes.get(name)));
        }
        SessionWrite write = new SessionWrite(full ? storedId : null, full && storedId != null, id, full,
                creationTime, accessTime, maxInactiveSeconds, maxInactiveChanged, set,
                full ? Set.of() : Set.copyOf(removed));
        storedId = id;
        changed.clear();
        removed.clear();
        maxInactiveChanged = false;
        return write;
    }

    private void checkValid(String method) {
        if (invalid) {
            throw new IllegalStateException(method + ": the session has been invalidated");
        }
    }
}
