package io.sessionstore.session.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

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

    private static final String SET_COOKIE = "Set-Cookie";
    private static final String VERSION_SUFFIX = "_V";
    private static final int MAX_VERSION_DIGITS = 18;
    /** Ids tried per request at most: each costs a round trip, and a client could send many. */
    private static final int MAX_IDS = 3;

    /** Attributes this class writes itself, or that belong to the settings: not copied from the application's. */
    private static final Set<String> OWN_ATTRIBUTES = Set.of("samesite", "path", "domain", "secure", "httponly",
            "max-age", "expires");

    private final String name;
    private final String versionName;
    private final String sameSite;
    /** The application's cookie path, or null for its context path. */
    private final String path;
    private final String domain;
    private final boolean alwaysSecure;
    /** Seconds, or -1: a cookie that ends with the browser session. */
    private final int maxAge;
    /** Further attributes of the application's cookie configuration, rendered ({@code "; Partitioned"}). */
    private final String extra;

    /**
     * @param name     the session cookie's name (a cookie token, checked by the settings)
     * @param sameSite {@code Strict}, {@code Lax} or {@code None}
     */
    public SessionCookie(String name, String sameSite) {
        this(name, sameSite, null, null, false, -1, "");
    }

    private SessionCookie(String name, String sameSite, String path, String domain, boolean alwaysSecure, int maxAge,
                          String extra) {
        this.name = Objects.requireNonNull(name, "name");
        this.versionName = name + VERSION_SUFFIX;
        this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
        this.path = path;
        this.domain = domain;
        this.alwaysSecure = alwaysSecure;
        this.maxAge = maxAge;
        this.extra = extra;
    }

    /**
     * This cookie with the application's own configuration ({@code <cookie-config>} in {@code web.xml}, or
     * {@link ServletContext#getSessionCookieConfig()}; Servlet 6.1, section 7.1.1): its path, domain, max age,
     * {@code Secure} (then on every response, not only secure ones) and any further attribute, such as
     * {@code Partitioned}. The name and {@code SameSite} come from the settings, which take the application's as
     * their default. {@code HttpOnly} stays on whatever the application says: no script needs a session id.
     */
    public SessionCookie withApplicationConfig(SessionCookieConfig config) {
        StringBuilder attributes = new StringBuilder();
        config.getAttributes().forEach((attribute, value) -> {
            String lower = attribute.toLowerCase(Locale.ROOT);
            if (OWN_ATTRIBUTES.contains(lower) || !isToken(attribute) || !isAttributeValue(value)) {
                return;
            }
            if (value == null || value.isEmpty() || lower.equals("partitioned") && value.equalsIgnoreCase("true")) {
                attributes.append("; ").append(attribute);
            } else if (!(lower.equals("partitioned") && value.equalsIgnoreCase("false"))) {
                attributes.append("; ").append(attribute).append('=').append(value);
            }
        });
        String configuredPath = config.getPath();
        String configuredDomain = config.getDomain();
        return new SessionCookie(name, sameSite,
                isAttributeValue(configuredPath) && configuredPath != null && !configuredPath.isEmpty()
                        ? configuredPath : null,
                isAttributeValue(configuredDomain) && configuredDomain != null && !configuredDomain.isEmpty()
                        ? configuredDomain : null,
                config.isSecure(), config.getMaxAge(), attributes.toString());
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

    /** The {@code Set-Cookie} value that gives the client {@code id}. */
    String idHeader(HttpServletRequest request, String id) {
        return name + "=" + id + maxAge() + attributes(request);
    }

    /** The {@code Set-Cookie} value that tells the client the session's {@code version}. */
    String versionHeader(HttpServletRequest request, long version) {
        return versionName + "=" + version + maxAge() + attributes(request);
    }

    /** The {@code Set-Cookie} values that make the client drop both cookies (RFC 6265, section 3.1). */
    List<String> clearingHeaders(HttpServletRequest request) {
        String cleared = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(request);
        return List.of(name + cleared, versionName + cleared);
    }

    /**
     * Replaces the session cookies {@code response} carries, {@code previous} as rendered here, by {@code next},
     * keeping every other {@code Set-Cookie} header in its order: one decision per response, the last one.
     * {@code setHeader} replaces every value of the header (Servlet 6.1, {@code HttpServletResponse.setHeader}),
     * so the others are written again after it.
     *
     * @param next not empty when {@code previous} is not: a decision taken back is a clearing one
     */
    static void replace(HttpServletResponse response, List<String> previous, List<String> next) {
        if (previous.isEmpty()) {
            next.forEach(value -> response.addHeader(SET_COOKIE, value));
            return;
        }
        List<String> values = new ArrayList<>(response.getHeaders(SET_COOKIE));
        previous.forEach(values::remove);
        values.addAll(next);
        response.setHeader(SET_COOKIE, values.get(0));
        values.subList(1, values.size()).forEach(value -> response.addHeader(SET_COOKIE, value));
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

    private String maxAge() {
        return maxAge >= 0 ? "; Max-Age=" + maxAge : "";
    }

    private String attributes(HttpServletRequest request) {
        String cookiePath = path != null ? path : request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        return "; Path=" + cookiePath + (domain != null ? "; Domain=" + domain : "") + "; HttpOnly; SameSite="
                + sameSite + (alwaysSecure || request.isSecure() ? "; Secure" : "") + extra;
    }

    private static boolean isToken(String text) {
        return !text.isEmpty()
                && text.chars().allMatch(c -> c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }

    /** No character that would end the attribute or the header. */
    private static boolean isAttributeValue(String value) {
        return value == null || value.chars().allMatch(c -> c >= ' ' && c < 0x7f && c != ';');
    }
}
