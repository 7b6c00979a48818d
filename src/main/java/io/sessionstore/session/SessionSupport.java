package io.sessionstore.session;

/** What every request of one web application shares: the store, the codec, cookies, ids and the timeout. */
record SessionSupport(SessionRepository repository, AttributeCodec codec, SessionCookie cookie, SessionIds ids,
                      int timeoutSeconds) {
}
