package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which tracking an application gets, and URL rewriting's rules (Servlet 6.1, section 7.1.3). */
class SessionTrackingTest {

    private static final String ID = "q3v0u9x8V2sM1mYz5HkR4A";
    private static final Set<SessionTrackingMode> TOMCAT_DEFAULT =
            EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);

    private final SessionCookie cookie = new SessionCookie("SESSION", "Lax");
    private final SessionTracking urls = SessionTracking.of(cookie, EnumSet.of(SessionTrackingMode.URL));

    @Test
    void forApplication_containerDefaults_cookiesOnly() {
        SessionTracking tracking = SessionTracking.forApplication(cookie, context(TOMCAT_DEFAULT, TOMCAT_DEFAULT));
        assertFalse(tracking.rewritesUrls(), "an id in a URL leaks: not unless the application asks");
        assertEquals(List.of(ID), tracking.cookieIds(request("/shop/cart", "SESSION=" + ID)));
    }

    @Test
    void forApplication_listsUrlBesideCookie_both() {
        SessionTracking tracking = SessionTracking.forApplication(cookie,
                context(EnumSet.of(SessionTrackingMode.URL, SessionTrackingMode.COOKIE, SessionTrackingMode.SSL),
                        TOMCAT_DEFAULT));
        assertTrue(tracking.rewritesUrls());
        assertEquals(List.of(ID), tracking.cookieIds(request("/shop/cart", "SESSION=" + ID)));
    }

    @Test
    void forApplication_webXmlListsTheContainerDefaults_bothAsListed() {
        ServletContext context = context(TOMCAT_DEFAULT, TOMCAT_DEFAULT);
        when(context.getResourceAsStream("/WEB-INF/web.xml")).thenReturn(xml("""
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <session-config>
                    <tracking-mode>COOKIE</tracking-mode>
                    <tracking-mode>URL</tracking-mode>
                  </session-config>
                </web-app>"""));
        SessionTracking tracking = SessionTracking.forApplication(cookie, context);
        assertTrue(tracking.rewritesUrls());
        assertEquals(List.of(ID), tracking.cookieIds(request("/shop/cart", "SESSION=" + ID)));
    }

    @Test
    void forApplication_webXmlWithoutTrackingModesOrUnreadable_cookiesOnly() {
        for (String webXml : List.of(
                "<web-app><session-config><session-timeout>5</session-timeout></session-config></web-app>",
                "<!DOCTYPE web-app PUBLIC \"-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN\" "
                        + "\"http://java.sun.com/dtd/web-app_2_3.dtd\"><web-app></web-app>",
                "<web-app><tracking-mode>URL</tracking-mode></web-app>",
                "not xml")) {
            ServletContext context = context(TOMCAT_DEFAULT, TOMCAT_DEFAULT);
            when(context.getResourceAsStream("/WEB-INF/web.xml")).thenReturn(xml(webXml));
            assertFalse(SessionTracking.forApplication(cookie, context).rewritesUrls(), webXml);
        }
    }

    @Test
    void forApplication_urlOnly_noCookiesReadOrWritten() {
        SessionTracking tracking = SessionTracking.forApplication(cookie,
                context(EnumSet.of(SessionTrackingMode.URL), TOMCAT_DEFAULT));
        assertTrue(tracking.rewritesUrls());
        assertEquals(List.of(), tracking.cookieIds(request("/shop/cart", "SESSION=" + ID)));
        assertEquals(-1, tracking.version(request("/shop/cart", "SESSION_V=4")));
    }

    @Test
    void forApplication_cookieOnly_noUrls() {
        SessionTracking tracking = SessionTracking.forApplication(cookie,
                context(EnumSet.of(SessionTrackingMode.COOKIE), TOMCAT_DEFAULT));
        assertFalse(tracking.rewritesUrls());
        assertNull(tracking.urlId(request("/shop/cart;jsessionid=" + ID, null)));
    }

    @Test
    void of_sslOnly_cookies() {
        SessionTracking tracking = SessionTracking.of(cookie, EnumSet.of(SessionTrackingMode.SSL));
        assertFalse(tracking.rewritesUrls());
        assertEquals(List.of(ID), tracking.cookieIds(request("/shop/cart", "SESSION=" + ID)));
    }

    @ParameterizedTest
    @CsvSource({
        "/shop/cart;jsessionid=" + ID + ",                 " + ID,
        "/shop/cart;jsessionid=" + ID + ";other=1,         " + ID,
        "/shop;jsessionid=" + ID + "/cart,                 " + ID,
        "/shop/cart;JSESSIONID=" + ID + ",                 ",
        "/shop/cart;jsessionid=short,                      ",
        "/shop/cart;jsessionid=,                           ",
        "/shop/cart,                                       ",
    })
    void urlId_pathParameter_wellFormedIdOrNull(String uri, String expected) {
        assertEquals(expected, urls.urlId(request(uri, null)));
    }

    @ParameterizedTest
    @CsvSource({
        "cart,                              cart;jsessionid=" + ID,
        "cart?item=1#top,                   cart;jsessionid=" + ID + "?item=1#top",
        "cart#top,                          cart;jsessionid=" + ID + "#top",
        "'',                                ''",
        "?item=1,                           ?item=1",
        "#top,                              #top",
        "/shop/../other/x,                  /shop/../other/x",
        "/shop/%2E%2E/other/x,              /shop/%2E%2E/other/x",
        "/shop/..;/other/x,                 /shop/..;/other/x",
        "/shop/..;x=1/other/x,              /shop/..;x=1/other/x",
        "/shop/item;color=red,              /shop/item;color=red;jsessionid=" + ID,
        "/shop/a/../checkout,               /shop/a/../checkout;jsessionid=" + ID,
        "http://localhost:8080/shop?x=/,    http://localhost:8080/shop;jsessionid=" + ID + "?x=/",
        "/shop/checkout,                    /shop/checkout;jsessionid=" + ID,
        "/shop,                             /shop;jsessionid=" + ID,
        "http://localhost:8080/shop/x?a=b,  http://localhost:8080/shop/x;jsessionid=" + ID + "?a=b",
        "HTTP://LOCALHOST:8080/shop/x,      HTTP://LOCALHOST:8080/shop/x;jsessionid=" + ID,
        "/shopping,                         /shopping",
        "/other/x,                          /other/x",
        "../other/x,                        ../other/x",
        "http://localhost:9090/shop/x,      http://localhost:9090/shop/x",
        "https://localhost:8080/shop/x,     https://localhost:8080/shop/x",
        "http://evil.example/shop/x,        http://evil.example/shop/x",
        "//evil.example/shop/x,             //evil.example/shop/x",
        "mailto:a@example.com,              mailto:a@example.com",
        "javascript:alert(1),               javascript:alert(1)",
        "cart;jsessionid=other,             cart;jsessionid=other",
        "cart with space,                   cart with space",
    })
    void encode_url_idOnlyWhereItPointsIntoTheApplication(String url, String expected) {
        assertEquals(expected, urls.encode(request("/shop/cart", null), url, ID));
    }

    @Test
    void encode_null_null() {
        assertNull(urls.encode(request("/shop/cart", null), null, ID));
    }

    @Test
    void encode_rootApplication_everyPathOfTheHost() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getRequestURL()).thenReturn(new StringBuffer("http://localhost:8080/cart"));
        when(request.getContextPath()).thenReturn("");
        assertEquals("/anything;jsessionid=" + ID, urls.encode(request, "/anything", ID));
    }

    /** A request of the application {@code /shop} on http://localhost:8080, with the given Cookie header. */
    private static HttpServletRequest request(String uri, String cookieHeader) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getRequestURI()).thenReturn(uri);
        when(request.getRequestURL()).thenReturn(new StringBuffer("http://localhost:8080" + uri));
        when(request.getContextPath()).thenReturn("/shop");
        if (cookieHeader != null) {
            String[] pair = cookieHeader.split("=", 2);
            when(request.getCookies()).thenReturn(new jakarta.servlet.http.Cookie[] {
                new jakarta.servlet.http.Cookie(pair[0], pair[1])});
        }
        return request;
    }

    private static java.io.InputStream xml(String text) {
        return new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ServletContext context(Set<SessionTrackingMode> effective, Set<SessionTrackingMode> defaults) {
        ServletContext context = mock(ServletContext.class);
        when(context.getEffectiveSessionTrackingModes()).thenReturn(effective);
        when(context.getDefaultSessionTrackingModes()).thenReturn(defaults);
        when(context.getContextPath()).thenReturn("/shop");
        return context;
    }
}
