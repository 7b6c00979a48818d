package io.sessionstore.session.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Serves each path of its application (the request URI without the context path) with the handler a test gave for
 * it, and 404 for any other; a checked exception of a handler becomes a {@link ServletException}.
 */
final class RouteServlet extends HttpServlet {

    private final transient Map<String, FilterHarness.Handler> routes;

    /** @param routes handlers by path; read at each request, so tests may change it between requests */
    RouteServlet(Map<String, FilterHarness.Handler> routes) {
        this.routes = routes;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        FilterHarness.Handler handler = routes.get(request.getRequestURI().substring(request.getContextPath().length()));
        if (handler == null) {
            response.sendError(404);
            return;
        }
        try {
            handler.handle(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}
