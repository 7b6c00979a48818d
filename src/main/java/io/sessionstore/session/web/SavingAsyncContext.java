package io.sessionstore.session.web;

import io.sessionstore.session.store.SessionStoreUnavailableException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The {@link AsyncContext} of a request whose session the filter keeps: {@link #complete()} saves what the async code
 * changed before the container sends the response, so the client is told of it (its cookies) and a change is never
 * acknowledged unsaved. A request that ends otherwise (a dispatch, a timeout, an error) is saved when it completes,
 * as a last resort: stored, but too late for cookies.
 */
final class SavingAsyncContext implements AsyncContext {

    private final AsyncContext delegate;
    private final RequestSession session;

    SavingAsyncContext(AsyncContext delegate, RequestSession session) {
        this.delegate = delegate;
        this.session = session;
        delegate.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                session.commitQuietly();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }

    AsyncContext delegate() {
        return delegate;
    }

    /** Saves, then completes; a store that does not answer turns the response into the failure status. */
    @Override
    public void complete() {
        try {
            session.commit();
        } catch (SessionStoreUnavailableException e) {
            ServletResponse response = delegate.getResponse();
            if (!response.isCommitted() && response instanceof HttpServletResponse http) {
                response.resetBuffer();
                http.setStatus(session.failureStatus());
            }
        }
        delegate.complete();
    }

    @Override
    public ServletRequest getRequest() {
        return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        delegate.dispatch(context, path);
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        delegate.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return delegate.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }
}
