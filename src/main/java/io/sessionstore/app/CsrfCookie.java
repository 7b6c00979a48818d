package io.sessionstore.app;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * CSRF protection without server state (double-submit cookie): a random token lives in a {@code SameSite=Strict},
 * {@code HttpOnly} cookie and is rendered into each form; a POST is accepted only when the form's token equals
 * the cookie's. Another site can neither read the cookie nor set it, so it cannot forge a matching pair.
 */
public final class CsrfCookie {

    public static final String NAME = "CSRF";
    public static final String FIELD = "csrf";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{32}");

    private final SecureRandom random = new SecureRandom();

    /** The request's token, or a new one that the response sets as a cookie. */
    public String token(HttpServletRequest request, HttpServletResponse response) {
        String token = read(request);
        if (token == null) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
            response.addHeader("Set-Cookie", NAME + "=" + token + "; Path=" + path + "; HttpOnly; SameSite=Strict"
                    + (request.isSecure() ? "; Secure" : ""));
        }
        return token;
    }

    public boolean matches(HttpServletRequest request, String submitted) {
        String token = read(request);
        return token != null && submitted != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.US_ASCII), submitted.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (NAME.equals(cookie.getName()) && WELL_FORMED.matcher(cookie.getValue()).matches()) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }
}
