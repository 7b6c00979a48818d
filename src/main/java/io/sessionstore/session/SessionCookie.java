package io.sessionstore.session;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Reads the session id from the {@code SESSION} cookie and writes that cookie:
 * {@code HttpOnly}, {@code SameSite=Lax}, the context path as its path, {@code Secure} on secure requests.
 * {@code SESSION_V}, with the same attributes, holds the version of the session the client was last told of, so
 * that a node never answers it from an older copy.
 * The header is written by hand so that every attribute is exactly as documented, whatever the container's
 * cookie processor does.
 */
public final class SessionCookie {

    public static final String NAME = "SESSION";
    public static final String VERSION_NAME = "SESSION_V";
    private static final int MAX_VERSION_DIGITS = 18;

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

    /** The version from {@code SESSION_V}, or -1 when there is none or it is not a number. */
    public long readVersion(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                String value = cookie.getValue();
                if (VERSION_NAME.equals(cookie.getName()) && isVersion(value)) {
                    return Long.parseLong(value);
                }
            }
        }
        return -1;
    }

    private static boolean isVersion(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_VERSION_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addHeader("Set-Cookie", NAME + "=" + id + attributes(request));
    }

    public void writeVersion(HttpServletRequest request, HttpServletResponse response, long version) {
        response.addHeader("Set-Cookie", VERSION_NAME + "=" + version + attributes(request));
    }

    public void clear(HttpServletRequest request, HttpServletResponse response) {
        for (String name : new String[] {NAME, VERSION_NAME}) {
            response.addHeader("Set-Cookie",
                    name + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(request));
        }
    }

    private static String attributes(HttpServletRequest request) {
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        return "; Path=" + path + "; HttpOnly; SameSite=Lax" + (request.isSecure() ? "; Secure" : "");
    }
}
