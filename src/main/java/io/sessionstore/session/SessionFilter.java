package io.sessionstore.session;

import io.netty.util.internal.InternalThreadLocalMap;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the container's {@code HttpSession} with a {@link DistributedSession} kept in a {@link SessionRepository}.
 *
 * <p>Map it to {@code /*} for {@code REQUEST} dispatches. Includes, forwards and error pages reuse the wrapped
 * request, so they add no load and no save. When the store cannot be reached the answer is {@code 503}
 * ({@code sendError}, so the application's error page for 503 is shown) and nothing of the request is
 * acknowledged. A request that fails with another exception saves nothing after the point of failure.
 */
public final class SessionFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(SessionFilter.class);
    private final SessionSupport support;
    private final RateLimitedWarning unavailableWarning = new RateLimitedWarning(log, 10_000);

    public SessionFilter(SessionRepository repository, AttributeCodec codec, int timeoutSeconds) {
        this.support = new SessionSupport(repository, codec, new SessionCookie(), new SessionIds(), timeoutSeconds);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        SessionRequest sessionRequest = new SessionRequest(request, response, support);
        SessionResponse sessionResponse = new SessionResponse(response, sessionRequest::commit,
                sessionRequest::responseReset);
        try {
            chain.doFilter(sessionRequest, sessionResponse);
            sessionRequest.commit();
        } catch (IOException | ServletException | RuntimeException e) {
            SessionStoreUnavailableException unavailable = findUnavailable(e);
            if (unavailable == null) {
                throw e;
            }
            unavailableWarning.warn("Answering 503: the session store does not answer ({})",
                    unavailable.getCause().getClass().getSimpleName());
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The session store is unavailable");
            }
        } finally {
            // Redisson's synchronous calls leave Netty's thread-local map on Tomcat's request threads.
            InternalThreadLocalMap.remove();
        }
    }

    private static SessionStoreUnavailableException findUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SessionStoreUnavailableException unavailable) {
                return unavailable;
            }
        }
        return null;
    }
}
