package io.sessionstore.session.store;

/**
 * The store refused a write because it is full (Redis at its {@code maxmemory} with a policy that does not evict,
 * such as {@code noeviction}): nothing was written. Loads still work. The session filter answers the request with
 * its failure status ({@code 503} by default), saying the store is full.
 */
public class SessionStoreFullException extends SessionStoreUnavailableException {

    public SessionStoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
