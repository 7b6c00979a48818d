package io.sessionstore.session.web;

import io.sessionstore.session.model.SessionState;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.WriteResult;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link HttpSession.Accessor} (Servlet 6.1): access to a session from outside a request, for example from a
 * WebSocket endpoint or a timer. Each {@link #access} is a small request of its own: it loads the session (an
 * access, which renews its expiry), hands it to the consumer, and saves what the consumer changed. Thread-safe;
 * accesses do not lock each other out, and concurrent changes of different attributes all stay.
 */
final class SessionAccessor implements HttpSession.Accessor {

    private final SessionRequests shared;
    private final ServletContext servletContext;
    private final String id;

    SessionAccessor(SessionRequests shared, ServletContext servletContext, String id) {
        this.shared = shared;
        this.servletContext = servletContext;
        this.id = id;
    }

    /**
     * @throws IllegalStateException when the session is no longer valid (invalidated or expired), also when it
     *                               ends during the access
     * @throws io.sessionstore.session.store.SessionStoreUnavailableException when the store does not answer
     */
    @Override
    public void access(Consumer<HttpSession> sessionConsumer) {
        long now = System.currentTimeMillis();
        Optional<SessionRecord> record = shared.store().loadAndTouch(id, -1, now);
        if (record.isEmpty()) {
            throw new IllegalStateException("access: the session is no longer valid");
        }
        SessionState state = SessionState.loaded(shared.codec(), record.get(), now);
        sessionConsumer.accept(new HttpSessionAdapter(state, servletContext, shared, () -> { }));
        Optional<WriteResult> result = state.changes().map(shared.store()::write);
        if (result.isPresent() && result.get() instanceof WriteResult.Gone) {
            throw new IllegalStateException("access: the session ended before its changes were saved");
        }
    }
}
