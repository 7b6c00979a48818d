package io.sessionstore.session.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How clients hold their session id (Servlet 6.1, section 7.1): in the {@link SessionCookie} and, when the
 * application turns it on, in its URLs as the path parameter {@code ;jsessionid=} (URL rewriting, section 7.1.3), put
 * there by {@link HttpServletResponse#encodeURL} and {@link HttpServletResponse#encodeRedirectURL}.
 *
 * <p>Which of the two follows the application's session tracking modes ({@code <tracking-mode>} in {@code web.xml},
 * {@link ServletContext#setSessionTrackingModes}), with one exception for security: the container's default modes
 * (Tomcat's are {@code COOKIE} and {@code URL}) mean cookies only, because an id in a URL leaks through logs,
 * bookmarks and {@code Referer} headers. URL rewriting is on when the application lists its modes and {@code URL} is
 * among them ({@code <tracking-mode>} in its {@code web.xml}, or modes other than the container's defaults set in
 * code); {@code URL} alone turns cookies off. {@code SSL} is not supported: cookies are used instead. Immutable and
 * thread-safe.
 */
public final class SessionTracking {

    /** The path parameter's name, Servlet 6.1, section 7.1.3. */
    static final String PATH_PARAMETER = "jsessionid";

    private static final Logger log = LoggerFactory.getLogger(SessionTracking.class);
    private static final String MARKER = ";" + PATH_PARAMETER + "=";

    private final SessionCookie cookie;
    private final boolean cookies;
    private final boolean urls;

    private SessionTracking(SessionCookie cookie, boolean cookies, boolean urls) {
        this.cookie = Objects.requireNonNull(cookie, "cookie");
        this.cookies = cookies;
        this.urls = urls;
    }

    /**
     * The tracking an application asked for, by the rule of the class comment.
     *
     * @param context the application; its effective and default tracking modes are read now
     */
    public static SessionTracking forApplication(SessionCookie cookie, ServletContext context) {
        Set<SessionTrackingMode> effective = context.getEffectiveSessionTrackingModes();
        if (effective.equals(context.getDefaultSessionTrackingModes())
                && !DeploymentDescriptor.listsTrackingModes(context)) {
            return of(cookie, Set.of(SessionTrackingMode.COOKIE));
        }
        if (effective.contains(SessionTrackingMode.SSL)) {
            log.warn("Session tracking mode SSL is not supported for {}: sessions are tracked by cookie",
                    context.getContextPath().isEmpty() ? "the root application" : context.getContextPath());
        }
        return of(cookie, effective);
    }

    /**
     * Tracking by exactly these modes: {@code COOKIE} and {@code URL} as listed; with neither (only {@code SSL}, or
     * none), by cookie.
     */
    public static SessionTracking of(SessionCookie cookie, Set<SessionTrackingMode> modes) {
        boolean urls = modes.contains(SessionTrackingMode.URL);
        return new SessionTracking(cookie, modes.contains(SessionTrackingMode.COOKIE) || !urls, urls);
    }

    /** Whether ids are read from and written into URLs. */
    boolean rewritesUrls() {
        return urls;
    }

    /** The well-formed ids of the request's session cookies, in order; none when cookies are off. */
    List<String> cookieIds(HttpServletRequest request) {
        return cookies ? cookie.readIds(request) : List.of();
    }

    /**
     * The well-formed id of the request URI's {@code ;jsessionid=} path parameter, or null when there is none or
     * URL rewriting is off. The container leaves path parameters out of the servlet path, so mapping ignores it.
     */
    String urlId(HttpServletRequest request) {
        if (!urls) {
            return null;
        }
        String uri = request.getRequestURI();
        int start = uri == null ? -1 : uri.indexOf(MARKER);
        if (start < 0) {
            return null;
        }
        start += MARKER.length();
        int end = start;
        while (end < uri.length() && ";/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String id = uri.substring(start, end);
        return SessionIds.isWellFormed(id) ? id : null;
    }

    /** The version from the version cookie, or -1 when there is none or cookies are off. */
    long version(HttpServletRequest request) {
        return cookies ? cookie.readVersion(request) : -1;
    }

    /**
     * The {@code Set-Cookie} values that tell the client of its session: the id unless {@code id} is null, the
     * version when {@code version} is positive; none when sessions are not tracked by cookie.
     */
    List<String> cookies(HttpServletRequest request, String id, long version) {
        if (!cookies) {
            return List.of();
        }
        List<String> values = new ArrayList<>(2);
        if (id != null) {
            values.add(cookie.idHeader(request, id));
        }
        if (version > 0) {
            values.add(cookie.versionHeader(request, version));
        }
        return values;
    }

    /** The {@code Set-Cookie} values that make the client drop its session cookies; none without cookies. */
    List<String> clearingCookies(HttpServletRequest request) {
        return cookies ? cookie.clearingHeaders(request) : List.of();
    }

    /**
     * {@code url} with {@code ;jsessionid=<id>} before its query and fragment, when it has a path that points into
     * this application (relative, or absolute with the request's scheme, host and port, under the context path, dot
     * segments resolved) and carries no id yet; else {@code url} as it is. As {@link HttpServletResponse#encodeURL} says: a URL elsewhere must not learn
     * the id.
     */
    String encode(HttpServletRequest request, String url, String id) {
        if (url == null || url.contains(MARKER)) {
            return url;
        }
        int query = url.indexOf('?');
        int fragment = url.indexOf('#');
        int end = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
        if (end < 0) {
            end = url.length();
        }
        // Without a path ("?page=2", "#top") the link keeps the current URL's path, and with it the id already
        // there: a parameter first would make it a different path.
        if (end == 0 || !inApplication(request, url.substring(0, end))) {
            return url;
        }
        return url.substring(0, end) + MARKER + id + url.substring(end);
    }

    /**
     * Whether a URL's path, resolved and with its dot segments removed as a browser or Tomcat does (Tomcat also
     * takes {@code ..;x} for {@code ..}), is in the application.
     */
    private static boolean inApplication(HttpServletRequest request, String path) {
        if (path.toLowerCase(Locale.ROOT).contains("%2e")) {
            return false; // an encoded dot segment, which browsers resolve too: not worth a guess
        }
        URI target;
        URI base;
        try {
            base = URI.create(request.getRequestURL().toString());
            target = base.resolve(path.replaceAll(";[^/]*", "")).normalize();
        } catch (IllegalArgumentException notAUri) {
            return false; // nothing that cannot be parsed gets the id
        }
        if (target.getScheme() == null || target.getHost() == null
                || !target.getScheme().equalsIgnoreCase(base.getScheme())
                || !target.getHost().equalsIgnoreCase(base.getHost())
                || port(target) != port(base)) {
            return false;
        }
        String resolved = target.getRawPath();
        String contextPath = request.getContextPath();
        return resolved != null && resolved.startsWith("/") && (contextPath.isEmpty() || resolved.equals(contextPath)
                || resolved.startsWith(contextPath + "/"));
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }
}
