package io.sessionstore.session;

/** The session store could not be reached or did not answer in time. The filter answers {@code 503}. */
public class SessionStoreUnavailableException extends RuntimeException {
    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
