package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class SessionRequestTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Lax";

    private final SessionRepository repository = mock(SessionRepository.class);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final AttributeCodec codec = new AttributeCodec("", getClass().getClassLoader());
    private final SessionSupport support =
            new SessionSupport(repository, codec, new SessionCookie(), new SessionIds(), 1800);

    SessionRequestTest() {
        when(request.getContextPath()).thenReturn("");
        when(repository.write(any())).thenReturn(1L);
    }

    @Test
    void commit_getSessionNeverCalled_noRepositoryCallAndNoCookie() {
        withCookie(ID);
        SessionRequest wrapped = new SessionRequest(request, response, support);
        wrapped.commit();
        verifyNoInteractions(repository);
        verify(response, never()).addHeader(eq("Set-Cookie"), anyString());
    }

    @Test
    void getSession_manyCalls_oneLoadPerRequest() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        HttpSession first = wrapped.getSession(false);
        for (int i = 0; i < 10; i++) {
            assertSame(first, wrapped.getSession());
            assertSame(first, wrapped.getSession(false));
        }
        assertTrue(wrapped.isRequestedSessionIdValid());
        assertEquals("1", first.getAttribute("a"));
        verify(repository, times(1)).loadAndTouch(eq(ID), anyLong(), anyLong());
    }

    @Test
    void getSession_unknownIdAskedTwice_oneLoadThenNewSession() {
        withCookie(ID);
        SessionRequest wrapped = new SessionRequest(request, response, support);
        assertNull(wrapped.getSession(false));
        assertNull(wrapped.getSession(false));
        HttpSession created = wrapped.getSession(true);
        assertTrue(created.isNew());
        assertNotEquals(ID, created.getId());
        verify(repository, times(1)).loadAndTouch(eq(ID), anyLong(), anyLong());
    }

    @Test
    void getSession_malformedCookie_noRepositoryCall() {
        withCookie("../../etc/passwd*{x}");
        SessionRequest wrapped = new SessionRequest(request, response, support);
        assertNull(wrapped.getRequestedSessionId());
        assertNull(wrapped.getSession(false));
        assertNotNull(wrapped.getSession(true));
        verifyNoInteractions(repository);
    }

    @Test
    void changeSessionId_noSession_illegalState() {
        SessionRequest wrapped = new SessionRequest(request, response, support);
        assertThrows(IllegalStateException.class, wrapped::changeSessionId);
        verifyNoInteractions(repository);
    }

    @Test
    void getSession_unreadableSession_deletedOnceAndNewSessionReturned() {
        withCookie(ID);
        when(repository.loadAndTouch(eq(ID), anyLong(), anyLong())).thenReturn(new SessionRecord(ID, 1, 2, 1800,
                Map.of("broken", "Xnot a tag".getBytes(StandardCharsets.UTF_8)), 1));
        SessionRequest wrapped = new SessionRequest(request, response, support);
        HttpSession session = wrapped.getSession(true);
        assertNotEquals(ID, session.getId());
        assertTrue(session.isNew());
        assertSame(session, wrapped.getSession(true));
        assertNull(session.getAttribute("broken"));
        verify(repository, times(1)).write(SessionWrite.deleteOnly(ID));
        verify(repository, times(1)).loadAndTouch(eq(ID), anyLong(), anyLong());
    }

    @Test
    void commit_newSession_fullWriteAndCookieWithNewId() {
        SessionRequest wrapped = new SessionRequest(request, response, support);
        HttpSession session = wrapped.getSession();
        session.setAttribute("a", "1");
        wrapped.commit();
        SessionWrite write = writtenOnce();
        assertTrue(write.full());
        assertEquals(session.getId(), write.id());
        verify(response).addHeader("Set-Cookie", "SESSION=" + session.getId() + COOKIE_ATTRIBUTES);
    }

    @Test
    void commit_changedAttributeSameId_partialWriteAndOnlyTheNewVersionCookie() {
        when(repository.write(any())).thenReturn(2L);
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession().setAttribute("b", "2");
        wrapped.commit();
        wrapped.commit();
        SessionWrite write = writtenOnce();
        assertEquals(ID, write.id());
        assertEquals(Set.of("b"), write.set().keySet());
        assertFalse(write.full());
        verify(response, times(1)).addHeader(eq("Set-Cookie"), anyString());
        verify(response).addHeader("Set-Cookie", "SESSION_V=2" + COOKIE_ATTRIBUTES);
    }

    @Test
    void commit_readOfANewerVersionThanTheClientKnew_versionCookieWithoutWrite() {
        when(request.getCookies()).thenReturn(new Cookie[] {
            new Cookie(SessionCookie.NAME, ID), new Cookie(SessionCookie.VERSION_NAME, "0")});
        storedSession(Map.of("a", "1"));
        SessionRequest wrapped = new SessionRequest(request, response, support);
        assertEquals("1", wrapped.getSession(false).getAttribute("a"));
        wrapped.commit();
        wrapped.commit();
        verify(repository, never()).write(any());
        verify(repository).loadAndTouch(eq(ID), eq(0L), anyLong());
        verify(response, times(1)).addHeader("Set-Cookie", "SESSION_V=1" + COOKIE_ATTRIBUTES);
    }

    @Test
    void changeSessionId_responseCommitted_illegalStateAndIdKept() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession();
        when(response.isCommitted()).thenReturn(true);
        assertThrows(IllegalStateException.class, wrapped::changeSessionId);
        assertEquals(ID, wrapped.getSession().getId());
    }

    @Test
    void commit_afterResponseReset_cookiesOfTheNewIdWrittenAgain() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession();
        String newId = wrapped.changeSessionId();
        wrapped.commit();
        wrapped.responseReset();
        wrapped.commit();
        verify(repository, times(1)).write(any());
        verify(response, times(2)).addHeader("Set-Cookie", "SESSION=" + newId + COOKIE_ATTRIBUTES);
        verify(response, times(2)).addHeader("Set-Cookie", "SESSION_V=1" + COOKIE_ATTRIBUTES);
    }

    @Test
    void commit_readOfTheVersionTheClientKnows_noCookie() {
        when(request.getCookies()).thenReturn(new Cookie[] {
            new Cookie(SessionCookie.NAME, ID), new Cookie(SessionCookie.VERSION_NAME, "1")});
        storedSession(Map.of("a", "1"));
        SessionRequest wrapped = new SessionRequest(request, response, support);
        wrapped.getSession(false);
        wrapped.commit();
        verify(response, never()).addHeader(eq("Set-Cookie"), anyString());
    }

    @Test
    void commit_afterChangeSessionId_cookieWithNewIdOldIdDeleted() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession();
        String newId = wrapped.changeSessionId();
        wrapped.commit();
        SessionWrite write = writtenOnce();
        assertEquals(ID, write.deleteId());
        assertEquals(newId, write.id());
        verify(response).addHeader("Set-Cookie", "SESSION=" + newId + COOKIE_ATTRIBUTES);
    }

    @Test
    void commit_invalidated_deleteAndCookieCleared() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession().invalidate();
        assertNull(wrapped.getSession(false));
        wrapped.commit();
        verify(repository).write(SessionWrite.deleteOnly(ID));
        verify(response).addHeader(eq("Set-Cookie"), eq("SESSION=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
                + COOKIE_ATTRIBUTES));
    }

    @Test
    void commit_invalidatedAndReplaced_newSessionWrittenAndOldDeleted() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession().invalidate();
        HttpSession replacement = wrapped.getSession(true);
        wrapped.commit();
        SessionWrite write = writtenOnce();
        assertEquals(ID, write.deleteId());
        assertEquals(replacement.getId(), write.id());
        assertTrue(write.full());
        verify(response).addHeader("Set-Cookie", "SESSION=" + replacement.getId() + COOKIE_ATTRIBUTES);
    }

    @Test
    void commit_invalidatedAndReplacedTwice_originalSessionStillDeleted() {
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession().invalidate();
        wrapped.getSession(true).invalidate();
        HttpSession last = wrapped.getSession(true);
        wrapped.commit();
        SessionWrite write = writtenOnce();
        assertEquals(ID, write.deleteId(), "the session the client came with is deleted");
        assertEquals(last.getId(), write.id());
    }

    @Test
    void commit_partialWriteFindsSessionGone_cookieCleared() {
        when(repository.write(any())).thenReturn(0L);
        SessionRequest wrapped = requestForStoredSession(Map.of("a", "1"));
        wrapped.getSession().setAttribute("b", "2");
        wrapped.commit();
        verify(response).addHeader(eq("Set-Cookie"), startsWith("SESSION=; Max-Age=0"));
    }

    private void withCookie(String value) {
        when(request.getCookies()).thenReturn(new Cookie[] {new Cookie(SessionCookie.NAME, value)});
    }

    private void storedSession(Map<String, String> attributes) {
        Map<String, byte[]> encoded = new HashMap<>();
        attributes.forEach((name, value) -> encoded.put(name, codec.encode(name, value)));
        when(repository.loadAndTouch(eq(ID), anyLong(), anyLong())).thenReturn(new SessionRecord(ID, 1, 2, 1800, encoded, 1));
    }

    /** A request whose cookie names a stored session with these attributes. */
    private SessionRequest requestForStoredSession(Map<String, String> attributes) {
        withCookie(ID);
        storedSession(attributes);
        return new SessionRequest(request, response, support);
    }

    private SessionWrite writtenOnce() {
        ArgumentCaptor<SessionWrite> captor = ArgumentCaptor.forClass(SessionWrite.class);
        verify(repository, times(1)).write(captor.capture());
        return captor.getValue();
    }
}
