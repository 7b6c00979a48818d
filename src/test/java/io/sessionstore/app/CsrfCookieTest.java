package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

class CsrfCookieTest {

    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz012345";
    private final CsrfCookie csrf = new CsrfCookie();

    @Test
    void token_noCookie_newTokenSetAsStrictHttpOnlyCookie() {
        HttpServletRequest request = request("");
        HttpServletResponse response = mock(HttpServletResponse.class);

        String token = csrf.token(request, response);

        assertTrue(token.matches("[A-Za-z0-9_-]{32}"), token);
        verify(response).addHeader("Set-Cookie", "CSRF=" + token + "; Path=/; HttpOnly; SameSite=Strict");
    }

    @Test
    void token_secureRequestInContext_cookieSecureAndScopedToContext() {
        HttpServletRequest request = request("/app");
        when(request.isSecure()).thenReturn(true);
        HttpServletResponse response = mock(HttpServletResponse.class);

        String token = csrf.token(request, response);

        verify(response).addHeader("Set-Cookie", "CSRF=" + token + "; Path=/app; HttpOnly; SameSite=Strict; Secure");
    }

    @Test
    void token_wellFormedCookie_sameTokenAndNoNewCookie() {
        HttpServletRequest request = request("", new Cookie("CSRF", TOKEN));
        HttpServletResponse response = mock(HttpServletResponse.class);

        assertEquals(TOKEN, csrf.token(request, response));
        verify(response, never()).addHeader(anyString(), anyString());
    }

    @Test
    void token_twoRequestsWithoutCookie_differentTokens() {
        assertNotEquals(csrf.token(request(""), mock(HttpServletResponse.class)),
                csrf.token(request(""), mock(HttpServletResponse.class)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "short", "abcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz0123456",
            "abcdefghijklmnopqrstuvwxyz01234+", "abcdefghijklmnopqrstuvwxyz01234/", "../../../../../../../../../../.."})
    void token_malformedCookie_ignoredAndReplaced(String value) {
        HttpServletRequest request = request("", new Cookie("CSRF", value));
        HttpServletResponse response = mock(HttpServletResponse.class);

        String token = csrf.token(request, response);

        assertNotEquals(value, token);
        ArgumentCaptor<String> header = ArgumentCaptor.forClass(String.class);
        verify(response).addHeader(org.mockito.ArgumentMatchers.eq("Set-Cookie"), header.capture());
        assertTrue(header.getValue().startsWith("CSRF=" + token + ";"), header.getValue());
        assertFalse(csrf.matches(request, value), "a malformed cookie never matches, not even itself");
    }

    @Test
    void matches_sameToken_true() {
        assertTrue(csrf.matches(request("", new Cookie("other", "x"), new Cookie("CSRF", TOKEN)), TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abcdefghijklmnopqrstuvwxyz012346", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
            "abcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz0123456"})
    void matches_otherToken_false(String submitted) {
        assertFalse(csrf.matches(request("", new Cookie("CSRF", TOKEN)), submitted));
    }

    @Test
    void matches_nothingSubmitted_false() {
        assertFalse(csrf.matches(request("", new Cookie("CSRF", TOKEN)), null));
    }

    @Test
    void matches_noCookie_false() {
        assertFalse(csrf.matches(request(""), TOKEN));
        assertFalse(csrf.matches(request("", new Cookie("csrf", TOKEN)), TOKEN), "the cookie name is case-sensitive");
    }

    private static HttpServletRequest request(String contextPath, Cookie... cookies) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContextPath()).thenReturn(contextPath);
        when(request.getCookies()).thenReturn(cookies.length == 0 ? null : cookies);
        return request;
    }
}
