package io.sessionstore.app;

import io.sessionstore.session.RateLimitedWarning;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.web.PrincipalSessions;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /}: the welcome page. Not logged in: {@code 303} to the login page. Logged in: records the visit
 * and shows the email, the visit count and a link to the email's sessions ({@link SessionsServlet}).
 */
public final class VisitServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(VisitServlet.class);
    private static final String PAGE = "/WEB-INF/jsp/welcome.jsp";

    private final transient RateLimitedWarning unavailableWarning = new RateLimitedWarning(log, 10_000);

    private final transient VisitCounter visits;
    private final transient CsrfCookie csrf;
    private final int visitTtlSeconds;

    public VisitServlet(VisitCounter visits, CsrfCookie csrf, int visitTtlSeconds) {
        this.visits = visits;
        this.csrf = csrf;
        this.visitTtlSeconds = visitTtlSeconds;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Object email = session == null ? null : session.getAttribute(LoginServlet.EMAIL_ATTRIBUTE);
        if (!(email instanceof String)) {
            response.sendRedirect(request.getContextPath() + "/login", HttpServletResponse.SC_SEE_OTHER);
            return;
        }
        long count;
        try {
            count = visits.recordVisit((String) email);
        } catch (RedisException | SessionStoreUnavailableException e) {
            // Redisson's message names the key, and so the email: keep it out of the log.
            unavailableWarning.warn("Answering 503: the visit counter does not answer ({})",
                    e instanceof SessionStoreUnavailableException ? e.getMessage() : e.getClass().getSimpleName());
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The visit counter is unavailable");
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        request.setAttribute("email", email);
        request.setAttribute("visits", count);
        request.setAttribute("visitTtlSeconds", visitTtlSeconds);
        request.setAttribute("csrfToken", csrf.token(request, response));
        // A link only: listing the sessions costs round trips that this page does not pay.
        request.setAttribute("sessionsListed",
                request.getServletContext().getAttribute(PrincipalSessions.CONTEXT_ATTRIBUTE) != null);
        request.getRequestDispatcher(PAGE).forward(request, response);
    }
}
