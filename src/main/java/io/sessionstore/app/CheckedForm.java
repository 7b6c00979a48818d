package io.sessionstore.app;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** The fields of a POSTed form that passed the size, time and CSRF checks. */
final class CheckedForm {

    private CheckedForm() {
    }

    /** @return the fields, or null once the refusal (4xx with a message) has been answered */
    static Map<String, String> read(HttpServletRequest request, HttpServletResponse response, CsrfCookie csrf)
            throws IOException {
        Map<String, String> form;
        try {
            form = FormBody.read(request);
        } catch (FormBody.RefusedException e) {
            // The rest of a refused body is not worth reading: close the connection after the answer.
            response.setHeader("Connection", "close");
            response.sendError(e.status(), e.getMessage());
            return null;
        }
        if (!csrf.matches(request, form.get(CsrfCookie.FIELD))) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "This form has expired or was not sent from this site. Open the page again with the link below "
                            + "and send the form from there.");
            return null;
        }
        return form;
    }
}
