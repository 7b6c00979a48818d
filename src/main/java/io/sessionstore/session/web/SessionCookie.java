package io.sessionstore.session.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a client holds its session: the id in one cookie, the version of the session it was last told of in a second
 * one named after the first with {@code _V}, so that no node ever answers it from an older copy. Both are
 * {@code HttpOnly}, have the context path as their path, the configured {@code SameSite} and, on secure requests,
 * {@code Secure}. A response of a login looks like:
 * <pre>
 * Set-Cookie: SESSION=q3v0u9x8V2sM1mYz5HkR4A; Path=/; HttpOnly; SameSite=Lax
 * Set-Cookie: SESSION_V=1; Path=/; HttpOnly; SameSite=Lax
 * </pre>
 * The header is written by hand so that every attribute is exactly as documented, whatever the container's cookie
 * processor does. Immutable and thread-safe.
 */
public final class SessionCookie {

    private static final String VERSION_SUFFIX = "_V";
    private static final int MAX_VERSION_DIGITS = 18;
    /** Ids tried per request at most: each costs a round trip, and a client could send many. */
    private static final int MAX_IDS = 3;

    private final String name;
    private final String versionName;
    private final String sameSite;

    /**
     * @param name     the session cookie's name (a cookie token, checked by the settings)
     * @param sameSite {@code Strict}, {@code Lax} or {@code None}
     */
    public SessionCookie(String name, String sameSite) {
        this.name = Objects.requireNonNull(name, "name");
        this.versionName = name + VERSION_SUFFIX;
        this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
    }

    String name() {
        return name;
    }

    String versionName() {
        return versionName;
    }

    /**
     * The well-formed session ids among the request's cookies, in the order sent, without repeats; malformed values
     * count as none. Several when a stale cookie lingers beside the live one (another path or domain): RFC 6265,
     * section 5.4, sends the longer path first, but a client may hold cookies of several domains.
     */
    List<String> readIds(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(1);
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName()) && SessionIds.isWellFormed(cookie.getValue())
                    && !ids.contains(cookie.getValue()) && ids.size() < MAX_IDS) {
                ids.add(cookie.getValue());
            }
        }
        return ids;
    }

    /** The version from the version cookie, or -1 when there is none or it is not a number. */
    long readVersion(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                String value = cookie.getValue();
                if (versionName.equals(cookie.getName()) && isVersion(value)) {
                    return Long.parseLong(value);
                }
            }
        }
        return -1;
    }

    void write(HttpServletRequest request, HttpServletResponse response, String id) {
        response.addHeader("Set-Cookie", name + "=" + id + attributes(request));
    }

    void writeVersion(HttpServletRequest request, HttpServletResponse response, long version) {
        response.addHeader("Set-Cookie", versionName + "=" + version + attributes(request));
    }

    void clear(HttpServletRequest request, HttpServletResponse response) {
        for (String cookie : new String[] {name, versionName}) {
            response.addHeader("Set-Cookie",
                    cookie + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(request));
        }
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

    private String attributes(HttpServletRequest request) {
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        return "; Path=" + path + "; HttpOnly; SameSite=" + sameSite + (request.isSecure() ? "; Secure" : "");
    }
}
