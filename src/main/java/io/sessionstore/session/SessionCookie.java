package io.sessionstore.session;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Reads the session id from the {@code SESSION} cookie and writes that cookie:
 * {@code HttpOnly}, {@code SameSite=Lax}, the context path as its path, {@code Secure} on secure requests.
 * The header is written by hand so that every attribute is exactly as documented, whatever the container's
 * cookie processor does.
 */
public final class SessionCookie {

    public static final String NAME = "SESSION";

    /** The first well-formed session id among the request's cookies, or null. Malformed values count as none. */
    public String readId(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (NAME.equals(cookie.getName()) && SessionIds.isWellFormed(cookie.getValue())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addHeader("Set-Cookie", NAME + "=" + id + attributes(request));
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader("Set-Cookie",
                NAME + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(request));
    }

    private static String attributes(HttpServletRequest request) {
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        return "; Path=" + path + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : "");
    }
}
