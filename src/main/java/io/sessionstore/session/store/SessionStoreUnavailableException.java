package io.sessionstore.session.store;

/**
 * The session store could not be reached or did not answer in time; whether the call took effect is unknown. The
 * session filter answers the request with its failure status ({@code 503} by default).
 */
public class SessionStoreUnavailableException extends RuntimeException {

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
