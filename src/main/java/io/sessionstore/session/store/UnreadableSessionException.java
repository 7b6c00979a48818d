package io.sessionstore.session.store;

/**
 * A stored session that cannot be turned back into attributes: corrupt metadata, an unknown format, or an attribute
 * naming a class that is gone or refused by the allow-list. The web layer deletes such a session and goes on
 * without it.
 */
public class UnreadableSessionException extends RuntimeException {

    public UnreadableSessionException(String message) {
        super(message);
    }

    public UnreadableSessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
