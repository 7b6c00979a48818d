package io.sessionstore.app;

import io.sessionstore.session.web.PrincipalSessions;
import io.sessionstore.session.web.SessionInfo;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GET /sessions}: the signed-in email's sessions, on every node and browser: when each started and was last
 * used, the browser that signed in, and which one is this browser; this one first, then the newest, at most
 * {@value #MAX_ROWS} (the page says how many more there are). {@code POST /sessions} with the CSRF token and
 * {@code action=others} ends every other session of the email and shows the list again; {@code action=everywhere}
 * ends them all, this one included, and answers {@code 303} to the login page. Not signed in: {@code 303} to the
 * login page. With the container's sessions ({@code SESSION_STORE=container}) there is no index: {@code 404}.
 */
public final class SessionsServlet extends HttpServlet {

    private static final String PAGE = "/WEB-INF/jsp/sessions.jsp";
    /** Rows shown at most: anyone can sign in as often as they like, and the page stays small. */
    static final int MAX_ROWS = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final transient CsrfCookie csrf;

    public SessionsServlet(CsrfCookie csrf) {
        this.csrf = csrf;
    }

    /** One row of the list, for the page. */
    public static final class Row {
        private final String started;
        private final String lastUsed;
        private final String device;
        private final boolean current;

        Row(SessionInfo session, String currentId) {
            started = TIME.format(Instant.ofEpochMilli(session.getCreationTime()));
            lastUsed = TIME.format(Instant.ofEpochMilli(session.getLastAccessedTime()));
            device = session.getAttribute(LoginServlet.DEVICE_ATTRIBUTE) instanceof String line ? line
                    : "Unknown browser";
            current = session.getId().equals(currentId);
        }

        public String getStarted() {
            return started;
        }

        public String getLastUsed() {
            return lastUsed;
        }

        public String getDevice() {
            return device;
        }

        public boolean isCurrent() {
            return current;
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        String email = email(session);
        if (email == null) {
            response.sendRedirect(request.getContextPath() + "/login", HttpServletResponse.SC_SEE_OTHER);
            return;
        }
        PrincipalSessions sessions = sessions(request, response);
        if (sessions == null) {
            return;
        }
        List<SessionInfo> found = sessions.find(email);
        // This browser's row first, then the newest: the ones a user is looking for.
        List<SessionInfo> newestFirst = new ArrayList<>(found);
        Collections.reverse(newestFirst);
        List<Row> rows = Stream.concat(
                        newestFirst.stream().filter(info -> info.getId().equals(session.getId())),
                        newestFirst.stream().filter(info -> !info.getId().equals(session.getId())))
                .limit(MAX_ROWS).map(info -> new Row(info, session.getId())).toList();
        response.setHeader("Cache-Control", "no-store");
        request.setAttribute("email", email);
        request.setAttribute("sessions", rows);
        request.setAttribute("notShown", found.size() - rows.size());
        request.setAttribute("csrfToken", csrf.token(request, response));
        request.getRequestDispatcher(PAGE).forward(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> form = CheckedForm.read(request, response, csrf, "/sessions");
        if (form == null) {
            return;
        }
        HttpSession session = request.getSession(false);
        String email = email(session);
        if (email == null) {
            response.sendRedirect(request.getContextPath() + "/login", HttpServletResponse.SC_SEE_OTHER);
            return;
        }
        String action = form.getOrDefault("action", "");
        if (!action.equals("others") && !action.equals("everywhere")) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "The action must be 'others' or 'everywhere'.");
            return;
        }
        PrincipalSessions sessions = sessions(request, response);
        if (sessions == null) {
            return;
        }
        sessions.invalidateAllExcept(email, session.getId());
        if (action.equals("everywhere")) {
            session.invalidate();
            response.sendRedirect(request.getContextPath() + "/login", HttpServletResponse.SC_SEE_OTHER);
        } else {
            response.sendRedirect(request.getContextPath() + "/sessions", HttpServletResponse.SC_SEE_OTHER);
        }
    }

    private static String email(HttpSession session) {
        return session != null && session.getAttribute(LoginServlet.EMAIL_ATTRIBUTE) instanceof String email
                ? email : null;
    }

    /** The application's index of sessions by email, or null once a 404 has been answered. */
    private static PrincipalSessions sessions(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        try {
            return PrincipalSessions.of(request.getServletContext());
        } catch (IllegalStateException e) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND,
                    "Listing sessions needs the session store's sessions, not the container's.");
            return null;
        }
    }
}
