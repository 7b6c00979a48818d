package io.sessionstore.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /logout} with the CSRF token: invalidates the session and answers {@code 303} to the login page.
 * {@code GET /logout} (a link followed, a bookmark) logs nobody out, which a cross-site link could otherwise do: it
 * answers {@code 303} to the welcome page, whose button logs out.
 */
public final class LogoutServlet extends HttpServlet {

    private final transient CsrfCookie csrf;

    public LogoutServlet(CsrfCookie csrf) {
        this.csrf = csrf;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/", HttpServletResponse.SC_SEE_OTHER);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> form = CheckedForm.read(request, response, csrf, "/");
        if (form == null) {
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        response.sendRedirect(request.getContextPath() + "/login", HttpServletResponse.SC_SEE_OTHER);
    }
}
