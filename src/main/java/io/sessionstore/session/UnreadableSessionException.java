package io.sessionstore.session;

/** A stored session that cannot be turned back into attributes: corrupt, or naming a class that is gone or refused. */
public class UnreadableSessionException extends RuntimeException {
    public UnreadableSessionException(String message) {
        super(message);
    }

    public UnreadableSessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
