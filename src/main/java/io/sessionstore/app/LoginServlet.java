package io.sessionstore.app;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /login} shows the form and creates no session. {@code POST /login} checks the CSRF token and the
 * email, then gives the session a new id (fixation protection), stores the email in it (the session layer indexes
 * sessions by it: {@code SESSION_PRINCIPAL_ATTRIBUTE} in {@code web.xml}) with a line naming the browser, and
 * answers {@code 303} to the welcome page.
 */
public final class LoginServlet extends HttpServlet {

    static final String EMAIL_ATTRIBUTE = "email";
    /** What the list of a user's sessions shows of the browser that signed in ({@link DeviceName}). */
    static final String DEVICE_ATTRIBUTE = "device";
    private static final String PAGE = "/WEB-INF/jsp/login.jsp";

    private final transient CsrfCookie csrf;
    private final int visitTtlSeconds;

    public LoginServlet(CsrfCookie csrf, int visitTtlSeconds) {
        this.csrf = csrf;
        this.visitTtlSeconds = visitTtlSeconds;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        showForm(request, response, null, "");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Map<String, String> form = CheckedForm.read(request, response, csrf, "/login");
        if (form == null) {
            return;
        }
        String typed = form.getOrDefault("email", "");
        String email = EmailAddress.normalize(typed);
        String problem = EmailAddress.problem(email);
        if (problem != null) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            showForm(request, response, problem, typed);
            return;
        }
        HttpSession session = request.getSession();
        if (!session.isNew()) {
            request.changeSessionId();
        }
        session.setAttribute(DEVICE_ATTRIBUTE, DeviceName.of(request.getHeader("User-Agent")));
        session.setAttribute(EMAIL_ATTRIBUTE, email);
        response.sendRedirect(request.getContextPath() + "/", HttpServletResponse.SC_SEE_OTHER);
    }

    private void showForm(HttpServletRequest request, HttpServletResponse response, String error, String email)
            throws ServletException, IOException {
        response.setHeader("Cache-Control", "no-store");
        request.setAttribute("csrfToken", csrf.token(request, response));
        request.setAttribute("error", error);
        request.setAttribute("visitTtlSeconds", visitTtlSeconds);
        request.setAttribute("email", email.length() > 2 * EmailAddress.MAX_LENGTH
                ? email.substring(0, 2 * EmailAddress.MAX_LENGTH) : email);
        request.getRequestDispatcher(PAGE).forward(request, response);
    }
}
