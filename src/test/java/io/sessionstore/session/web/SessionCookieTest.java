package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionCookieTest {

    private static final String ID = "AZaz09_-AZaz09_-AZaz09";
    private static final String OTHER_ID = "BBBBBBBBBBBBBBBBBBBBBB";

    private final SessionCookie cookie = new SessionCookie("SESSION", "Lax");

    @Test
    void readId_noCookies_null() {
        assertEquals(List.of(), cookie.readIds(request(null)));
    }

    @Test
    void readId_wellFormedSessionCookie_returnsIt() {
        assertEquals(List.of(ID),
                cookie.readIds(request(new Cookie[] {new Cookie("OTHER", OTHER_ID), new Cookie("SESSION", ID)})));
    }

    @Test
    void readId_onlyMalformedValues_null() {
        assertEquals(List.of(), cookie.readIds(request(new Cookie[] {
                new Cookie("SESSION", "../etc/passwd"), new Cookie("SESSION", "*"), new Cookie("SESSION", ""),
                new Cookie("SESSION", ID + "x"), new Cookie("session", ID)})));
    }

    @Test
    void readId_malformedThenWellFormed_returnsWellFormed() {
        assertEquals(List.of(ID),
                cookie.readIds(request(new Cookie[] {new Cookie("SESSION", "{x}"), new Cookie("SESSION", ID)})));
    }

    @Test
    void readIds_severalWellFormed_allInOrderWithoutRepeatsAtMostThree() {
        String third = "CCCCCCCCCCCCCCCCCCCCCC";
        String fourth = "DDDDDDDDDDDDDDDDDDDDDD";
        assertEquals(List.of(OTHER_ID, ID, third), cookie.readIds(request(new Cookie[] {
                new Cookie("SESSION", OTHER_ID), new Cookie("SESSION", ID), new Cookie("SESSION", OTHER_ID),
                new Cookie("SESSION", third), new Cookie("SESSION", fourth)})));
    }

    @Test
    void idHeader_rootContextPlainHttp_httpOnlyLaxPathSlashNoSecure() {
        assertEquals("SESSION=" + ID + "; Path=/; HttpOnly; SameSite=Lax", cookie.idHeader(request("", false), ID));
    }

    @Test
    void idHeader_contextPathSecureRequest_pathIsContextAndSecure() {
        assertEquals("SESSION=" + ID + "; Path=/shop; HttpOnly; SameSite=Lax; Secure",
                cookie.idHeader(request("/shop", true), ID));
    }

    @Test
    void clearingHeaders_any_emptyValueMaxAgeZeroSameAttributes() {
        assertEquals(List.of(
                "SESSION=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/shop; HttpOnly; SameSite=Lax; Secure",
                "SESSION_V=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/shop; HttpOnly; SameSite=Lax; "
                        + "Secure"),
                cookie.clearingHeaders(request("/shop", true)));
    }

    @Test
    void readVersion_digits_theNumber() {
        assertEquals(42, cookie.readVersion(request(new Cookie[] {new Cookie("SESSION_V", "42")})));
        assertEquals(0, cookie.readVersion(request(new Cookie[] {new Cookie("SESSION_V", "0")})));
    }

    @Test
    void readVersion_missingOrNotANumber_minusOne() {
        assertEquals(-1, cookie.readVersion(request(null)));
        for (String value : new String[] {"", "-1", "1e3", " 7", "x", "1234567890123456789"}) {
            assertEquals(-1, cookie.readVersion(request(new Cookie[] {new Cookie("SESSION_V", value)})), value);
        }
    }

    @Test
    void versionHeader_sameAttributesAsTheSessionCookie() {
        assertEquals("SESSION_V=7; Path=/; HttpOnly; SameSite=Lax", cookie.versionHeader(request("", false), 7));
    }

    private static HttpServletRequest request(Cookie[] cookies) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getCookies()).thenReturn(cookies);
        return request;
    }

    private static HttpServletRequest request(String contextPath, boolean secure) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContextPath()).thenReturn(contextPath);
        when(request.isSecure()).thenReturn(secure);
        return request;
    }
}
