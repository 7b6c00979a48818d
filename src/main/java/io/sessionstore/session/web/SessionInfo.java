package io.sessionstore.session.web;

import io.sessionstore.session.model.AttributeCodec;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.UnreadableSessionException;

/**
 * A stored session as {@link PrincipalSessions#find} lists it: what an application shows a user of their sessions,
 * or an operator of a user's. A snapshot read from the store, not a live {@code HttpSession}: reading it is not an
 * access. Immutable and thread-safe.
 */
public final class SessionInfo {

    private final SessionRecord record;
    private final AttributeCodec codec;

    SessionInfo(SessionRecord record, AttributeCodec codec) {
        this.record = record;
        this.codec = codec;
    }

    /** The session id, as {@code HttpSession.getId()} gives it. */
    public String getId() {
        return record.id();
    }

    /** When the session was created, epoch milliseconds. */
    public long getCreationTime() {
        return record.creationTime();
    }

    /**
     * The session's last access as the store knows it, epoch milliseconds: accesses recorded in the background (see
     * {@code SESSION_HOUSEKEEPING_MS}) may be missing for up to two housekeeping intervals.
     */
    public long getLastAccessedTime() {
        return record.lastAccessedTime();
    }

    /** The session's timeout in seconds; zero or less for none. */
    public int getMaxInactiveInterval() {
        return record.maxInactiveSeconds();
    }

    /**
     * An attribute's value, decoded as the session's requests would see it.
     *
     * @return the value, or null when the session has no such attribute or its value cannot be read here (a class
     *         this application does not allow or know)
     */
    public Object getAttribute(String name) {
        byte[] bytes = record.attributes().get(name);
        if (bytes == null) {
            return null;
        }
        try {
            return codec.decode(name, bytes);
        } catch (UnreadableSessionException e) {
            return null;
        }
    }
}
