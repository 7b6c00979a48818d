package io.sessionstore.session.model;

/**
 * A session attribute's value, or a session, would be larger than its {@link SizeLimits}: thrown by
 * {@code HttpSession.setAttribute} before anything changes, or by the save of a value the application changed in
 * place. The message names the attribute, the limit and the setting that raises it. An
 * {@link IllegalArgumentException}, as the Servlet specification has {@code setAttribute} throw for a value a
 * distributed session cannot hold (Servlet 6.1, section 7.7.2).
 */
public class SessionTooLargeException extends IllegalArgumentException {

    /** @param message names the attribute, the limit and the setting */
    public SessionTooLargeException(String message) {
        super(message);
    }
}
