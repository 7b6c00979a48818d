package io.sessionstore.app;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The fields of a POSTed form that passed the size, time and CSRF checks. A refusal's error page links to the page the
 * form came from ({@link #PAGE_ATTRIBUTE}), where a fresh form can be sent: the sign-in page would show a signed-in
 * user an empty sign-in form.
 */
final class CheckedForm {

    /** The request attribute with the path, within the application, of the page that sends the form. */
    static final String PAGE_ATTRIBUTE = "formPage";

    private CheckedForm() {
    }

    /**
     * @param page the page that sends the form, such as {@code "/sessions"}
     * @return the fields, or null once the refusal (4xx with a message) has been answered
     */
    static Map<String, String> read(HttpServletRequest request, HttpServletResponse response, CsrfCookie csrf,
            String page) throws IOException {
        Map<String, String> form;
        try {
            form = FormBody.read(request);
        } catch (FormBody.RefusedException e) {
            // The rest of a refused body is not worth reading: close the connection after the answer.
            response.setHeader("Connection", "close");
            request.setAttribute(PAGE_ATTRIBUTE, page);
            response.sendError(e.status(), e.getMessage());
            return null;
        }
        if (!csrf.matches(request, form.get(CsrfCookie.FIELD))) {
            request.setAttribute(PAGE_ATTRIBUTE, page);
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "This form has expired or was not sent from this site. Open the page again with the link below "
                            + "and send the form from there.");
            return null;
        }
        return form;
    }
}
