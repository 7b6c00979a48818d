package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One request through the real {@link io.sessionstore.session.SessionFilter} over an in-memory store, observed from
 * outside: the status, the {@code Set-Cookie} headers, what the store holds afterwards and the calls the filter made
 * to it.
 */
class SessionFilterTest {

    private static final String ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Lax";
    private static final String CLEARED = "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES;
    private static final List<String> BOTH_CLEARED = List.of("SESSION" + CLEARED, "SESSION_V" + CLEARED);

    @RegisterExtension
    static final FilterHarness web = FilterHarness.withDefaultSettings();
    private CountingSessionStore store;
    private FilterHarness.Client client;

    @BeforeEach
    void emptyStore() {
        store = web.store();
        client = web.client();
    }

    // --- Loading ---

    @Test
    void doFilter_sessionNeverAsked_noStoreCallAndNoCookie() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        web.on("/page", (request, response) -> response.getWriter().print("hello"));

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals("hello", page.body());
        assertEquals(0, store.loads(), "loads");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void getSession_manyCallsInOneRequest_oneLoad() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        web.on("/page", (request, response) -> {
            HttpSession first = request.getSession(false);
            boolean same = true;
            for (int i = 0; i < 10; i++) {
                same &= request.getSession() == first && request.getSession(false) == first;
            }
            response.getWriter().print("same=" + same + " valid=" + request.isRequestedSessionIdValid()
                    + " a=" + first.getAttribute("a"));
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("same=true valid=true a=1", page.body());
        assertEquals(1, store.loads(), "loads");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void getSession_unknownIdAskedTwice_oneLoadThenNewSessionWithNewId() throws Exception {
        String unknown = new SessionIds().next();
        client.cookie("SESSION", unknown);
        web.on("/page", (request, response) -> {
            boolean none = request.getSession(false) == null && request.getSession(false) == null;
            HttpSession created = request.getSession(true);
            response.getWriter().print(none + "|" + created.isNew() + "|" + created.getId());
        });

        FilterHarness.Response page = client.get("/page");

        String[] parts = page.body().split("\\|");
        assertEquals("true|true", parts[0] + "|" + parts[1], "no session twice, then a new one");
        String id = parts[2];
        assertNotEquals(unknown, id);
        assertEquals(1, store.loads(), "loads");
        assertEquals(List.of("Create"), store.writeKinds());
        assertTrue(store.holds(id), "the new session is stored");
        assertFalse(store.holds(unknown), "the unknown id is not created");
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void getSessionFalse_cookieOfAGoneSession_cookiesClearedSoTheNextRequestLoadsNothing() throws Exception {
        client.cookie("SESSION", "GoneGoneGoneGoneGone00");
        web.on("/page", (request, response) -> response.getWriter().print(request.getSession(false)));

        FilterHarness.Response first = client.get("/page");
        FilterHarness.Response second = client.get("/page");

        assertEquals("null", first.body());
        assertEquals(List.of("SESSION=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES,
                "SESSION_V=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + ATTRIBUTES), first.setCookies());
        assertEquals("null", second.body());
        assertEquals(1, store.loads(), "the second request sends no cookie and loads nothing");
    }

    @Test
    void getAccessor_usedAfterTheRequest_changesSavedAndSeenByTheNextRequest() throws Exception {
        java.util.concurrent.atomic.AtomicReference<HttpSession.Accessor> accessor =
                new java.util.concurrent.atomic.AtomicReference<>();
        web.on("/start", (request, response) -> {
            request.getSession().setAttribute("user", "carol");
            accessor.set(request.getSession().getAccessor());
        });
        web.on("/read", (request, response) -> response.getWriter().print(
                request.getSession().getAttribute("user") + "|" + request.getSession().getAttribute("note")));
        client.get("/start");

        accessor.get().access(session -> session.setAttribute("note", "from a timer"));

        assertEquals("carol|from a timer", client.get("/read").body());
    }

    @Test
    void getAccessor_sessionInvalidatedSince_accessThrowsIllegalState() throws Exception {
        java.util.concurrent.atomic.AtomicReference<HttpSession.Accessor> accessor =
                new java.util.concurrent.atomic.AtomicReference<>();
        web.on("/start", (request, response) -> accessor.set(request.getSession().getAccessor()));
        web.on("/end", (request, response) -> request.getSession().invalidate());
        web.on("/invalid", (request, response) -> {
            HttpSession session = request.getSession();
            session.invalidate();
            try {
                session.getAccessor();
                response.getWriter().print("no exception");
            } catch (IllegalStateException e) {
                response.getWriter().print("IllegalStateException");
            }
        });
        client.get("/start");
        client.get("/end");

        assertThrows(IllegalStateException.class, () -> accessor.get().access(session -> { }));
        assertEquals("IllegalStateException", client.get("/invalid").body());
    }

    @Test
    void getSession_staleCookieBeforeTheLiveOne_liveSessionWithoutNewCookie() throws Exception {
        String live = web.seed(Map.of("user", "carol"));
        String stale = "StaleStaleStaleStale00";
        client.cookie("SESSION", stale + "; SESSION=" + live); // two cookies of one name, the stale one first
        web.on("/page", (request, response) -> response.getWriter().print(request.getSession(false)
                .getAttribute("user") + "|" + request.getRequestedSessionId() + "|"
                + request.isRequestedSessionIdValid()));

        FilterHarness.Response page = client.get("/page");

        assertEquals("carol|" + live + "|true", page.body());
        assertEquals(2, store.loads(), "the stale id, then the live one");
        assertFalse(store.holds(stale), "the stale id is not created");
        assertFalse(page.setCookies().stream().anyMatch(cookie -> cookie.startsWith("SESSION=")),
                "the client keeps its cookies: " + page.setCookies());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd*{x}", "", "AAAAAAAAAAAAAAAAAAAAA*", "AAAAAAAAAAAAAAAAAAAAAAA"})
    void getSession_malformedCookie_noStoreCallAndNoSession(String value) throws Exception {
        client.cookie("SESSION", value);
        web.on("/page", (request, response) -> response.getWriter().print(
                request.getRequestedSessionId() + "|" + request.getSession(false)));

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals("null|null", page.body());
        assertEquals(0, store.loads(), "loads");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void getSession_cookieOf8KiB_noStoreCallAndNoSession() throws Exception {
        client.cookie("SESSION", "A".repeat(8192));
        web.on("/page", (request, response) -> response.getWriter().print(
                request.getRequestedSessionId() + "|" + request.getSession(false)));

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals("null|null", page.body());
        assertEquals(0, store.loads(), "loads");
        assertEquals(List.of(), store.writeKinds());
    }

    @Test
    void getSessionTrue_malformedCookie_newSessionWithoutLoad() throws Exception {
        client.cookie("SESSION", "../../etc/passwd*{x}");
        web.on("/page", (request, response) -> response.getWriter().print(request.getSession(true).getId()));

        FilterHarness.Response page = client.get("/page");

        String id = page.body();
        assertEquals(0, store.loads(), "loads");
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void changeSessionId_noSession_illegalStateAndNoStoreCall() throws Exception {
        web.on("/page", (request, response) -> response.getWriter().print(outcome(request::changeSessionId)));

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals("IllegalStateException", page.body());
        assertEquals(0, store.loads(), "loads");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void getSession_unreadableStoredSession_deletedOnceAndRequestGoesOnWithNewSession() throws Exception {
        String broken = web.seedEncoded(Map.of("broken", "Xnot a tag".getBytes(StandardCharsets.UTF_8)));
        client.cookie("SESSION", broken);
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession(true);
            response.getWriter().print(session.isNew() + "|" + (request.getSession(true) == session) + "|"
                    + session.getAttribute("broken") + "|" + session.getId());
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        String[] parts = page.body().split("\\|");
        assertEquals("true|true|null", parts[0] + "|" + parts[1] + "|" + parts[2],
                "a new session, the same on every call, without the unreadable attribute");
        String id = parts[3];
        assertNotEquals(broken, id);
        assertEquals(1, store.loads(), "loads");
        assertEquals(List.of("Delete", "Create"), store.writeKinds());
        assertEquals(new SessionChange.Delete(broken), store.changes().get(0));
        assertFalse(store.holds(broken), "the unreadable session is deleted");
        assertTrue(store.holds(id), "the new session is stored");
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void doFilter_forwardToAnotherPath_oneLoadAndOneSave() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/first", (request, response) -> {
            request.getSession().setAttribute("b", "2");
            request.getRequestDispatcher("/second").forward(request, response);
        });
        web.on("/second", (request, response) -> {
            request.getSession().setAttribute("c", "3");
            response.getWriter().print("forwarded");
        });

        FilterHarness.Response page = client.get("/first");

        assertEquals("forwarded", page.body());
        assertEquals(1, store.loads(), "loads");
        assertEquals(List.of("Update"), store.writeKinds());
        assertEquals(Map.of("a", "1", "b", "2", "c", "3"), web.storedAttributes(id));
        assertEquals(List.of("SESSION_V=2" + ATTRIBUTES), page.setCookies());
    }

    // --- Saving and cookies ---

    @Test
    void commit_newSession_oneCreateAndBothCookies() throws Exception {
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.getWriter().print(session.getId());
        });

        FilterHarness.Response page = client.get("/page");

        String id = page.body();
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(id, ((SessionChange.Create) store.lastChange()).session().id());
        assertEquals(Map.of("a", "1"), web.storedAttributes(id));
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void commit_changedAttributeOfStoredSession_oneUpdateOfThatAttributeAndOnlyTheVersionCookie() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("b", "2");
            response.getWriter().print("saved");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(List.of("Update"), store.writeKinds());
        SessionChange.Update update = (SessionChange.Update) store.lastChange();
        assertEquals(id, update.id());
        assertEquals(Set.of("b"), update.set().keySet());
        assertEquals(Set.of(), update.removed());
        assertEquals(OptionalInt.empty(), update.maxInactiveSeconds());
        assertEquals(Map.of("a", "1", "b", "2"), web.storedAttributes(id));
        assertEquals(2, store.peek(id).orElseThrow().version(), "stored version");
        assertEquals(List.of("SESSION_V=2" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void commit_readOfANewerVersionThanTheClientKnows_versionCookieWithoutWrite() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        store.behindTheBack().write(new SessionChange.Update(id, Map.of("a", web.encode("a", "2")), Set.of(),
                OptionalInt.empty()));
        clientOf(id);
        web.on("/page", (request, response) -> response.getWriter().print(
                request.getSession(false).getAttribute("a")));

        FilterHarness.Response page = client.get("/page");

        assertEquals("2", page.body());
        assertEquals(1, store.loads(), "loads");
        assertEquals(1, store.lastKnownVersion(), "the store is told the version the client knows");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of("SESSION_V=2" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void commit_readWithoutVersionCookie_versionCookieWithoutWrite() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        client.cookie("SESSION", id);
        web.on("/page", (request, response) -> response.getWriter().print(
                request.getSession(false).getAttribute("a")));

        FilterHarness.Response page = client.get("/page");

        assertEquals("1", page.body());
        assertEquals(-1, store.lastKnownVersion(), "the store is told the client knows no version");
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of("SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void commit_readOfTheVersionTheClientKnows_noCookie() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        web.on("/page", (request, response) -> response.getWriter().print(
                request.getSession(false).getAttribute("a")));

        FilterHarness.Response page = client.get("/page");

        assertEquals("1", page.body());
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void changeSessionId_storedSession_oldIdGoneNewIdHoldsAttributesAndCookie() throws Exception {
        String id = web.seed(Map.of("a", "1", "b", "2"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession();
            response.getWriter().print(request.changeSessionId());
        });

        FilterHarness.Response page = client.get("/page");

        String newId = page.body();
        assertNotEquals(id, newId);
        assertEquals(List.of("Rename"), store.writeKinds());
        assertFalse(store.holds(id), "the old id is gone");
        assertEquals(Map.of("a", "1", "b", "2"), web.storedAttributes(newId));
        assertEquals(List.of("SESSION=" + newId + ATTRIBUTES), page.setCookies(),
                "the client knew version 1, which the renamed session has");
        assertEquals(newId, client.cookie("SESSION"));
    }

    @Test
    void changeSessionId_newSession_oneCreateUnderTheNewId() throws Exception {
        web.on("/page", (request, response) -> {
            String first = request.getSession().getId();
            response.getWriter().print(first + "|" + request.changeSessionId());
        });

        FilterHarness.Response page = client.get("/page");

        String[] ids = page.body().split("\\|");
        assertNotEquals(ids[0], ids[1]);
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(ids[1], ((SessionChange.Create) store.lastChange()).session().id());
        assertFalse(store.holds(ids[0]), "the first id is never stored");
        assertEquals(List.of("SESSION=" + ids[1] + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void changeSessionId_afterResponseCommitted_illegalStateAndIdKept() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession();
            response.flushBuffer();
            response.getWriter().print(outcome(request::changeSessionId) + "|" + request.getSession().getId());
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("IllegalStateException|" + id, page.body());
        assertEquals(List.of(), store.writeKinds());
        assertTrue(store.holds(id), "the session keeps its id");
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void reset_afterASave_cookiesOfTheNewIdWrittenAgain() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        client.cookie("SESSION", id);
        web.on("/page", (request, response) -> {
            request.getSession();
            String newId = request.changeSessionId();
            response.getWriter().print("dropped by the reset");
            response.reset();
            response.getWriter().print(newId);
        });

        FilterHarness.Response page = client.get("/page");

        String newId = page.body();
        assertEquals(List.of("Rename"), store.writeKinds());
        assertEquals(List.of("SESSION=" + newId + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void reset_afterASaveThenABodyLargerThanTheBuffer_cookiesOfTheNewIdStillSent() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        client.cookie("SESSION", id);
        web.on("/page", (request, response) -> {
            request.getSession();
            String newId = request.changeSessionId();
            response.getWriter().print("dropped by the reset");
            response.reset();
            response.getWriter().print(newId + "|" + "x".repeat(4 * response.getBufferSize()));
        });

        FilterHarness.Response page = client.get("/page");

        String newId = page.body().split("\\|")[0];
        assertEquals(List.of("Rename"), store.writeKinds());
        assertEquals(List.of("SESSION=" + newId + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies(),
                "the client must learn the session's new id: the old one is deleted");
    }

    @Test
    void invalidate_storedSession_goneAndBothCookiesCleared() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().invalidate();
            response.getWriter().print(request.getSession(false));
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("null", page.body());
        assertEquals(List.of("Delete"), store.writeKinds());
        assertFalse(store.holds(id), "the session is gone");
        assertEquals(BOTH_CLEARED, page.setCookies());
        assertEquals(Map.of(), client.cookies());
    }

    @Test
    void invalidate_thenGetSessionTrue_oldDeletedNewStoredCookieOfTheNewOne() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().invalidate();
            HttpSession replacement = request.getSession(true);
            replacement.setAttribute("b", "2");
            response.getWriter().print(replacement.getId());
        });

        FilterHarness.Response page = client.get("/page");

        String newId = page.body();
        assertNotEquals(id, newId);
        assertEquals(1, store.writeKinds().size(), "one write: " + store.writeKinds());
        assertFalse(store.holds(id), "the invalidated session is gone");
        assertEquals(Map.of("b", "2"), web.storedAttributes(newId));
        assertEquals(1, store.size(), "sessions stored");
        assertEquals(List.of("SESSION=" + newId + ATTRIBUTES), page.setCookies(),
                "the client knew version 1, which the new session has");
    }

    @Test
    void invalidate_twiceWithReplacements_originalSessionStillDeleted() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().invalidate();
            request.getSession(true).invalidate();
            response.getWriter().print(request.getSession(true).getId());
        });

        FilterHarness.Response page = client.get("/page");

        String last = page.body();
        assertFalse(store.holds(id), "the session the client came with is deleted");
        assertTrue(store.holds(last), "the last replacement is stored");
        assertEquals(1, store.size(), "sessions stored");
        assertEquals(1, store.writeKinds().size(), "one write: " + store.writeKinds());
        assertEquals(last, client.cookie("SESSION"));
    }

    @Test
    void commit_updateFindsItsSessionGone_cookiesClearedAndSessionNotBroughtBack() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            store.behindTheBack().write(new SessionChange.Delete(id));
            session.setAttribute("b", "2");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals(List.of("Update"), store.writeKinds());
        assertFalse(store.holds(id), "the session stays deleted");
        assertEquals(BOTH_CLEARED, page.setCookies());
    }

    @Test
    void commit_updateFindsItsSessionGoneBeforeTheBody_cookiesClearedAndNotSetAgain() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            store.behindTheBack().write(new SessionChange.Delete(id));
            session.setAttribute("b", "2");
            response.getWriter().print("page");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("page", page.body());
        assertEquals(List.of("Update"), store.writeKinds());
        assertFalse(store.holds(id), "the session stays deleted");
        assertEquals(BOTH_CLEARED, page.setCookies(), "the client is not told of the session again");
        assertEquals(Map.of(), client.cookies());
    }

    @Test
    void commit_lastSaveAfterTheBodyFindsItsSessionGone_onlyTheClearingCookiesInTheResponse() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "2");
            response.getWriter().print("page");
            store.behindTheBack().write(new SessionChange.Delete(id));
            session.setAttribute("b", "3");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("page", page.body());
        assertEquals(List.of("Update", "Update"), store.writeKinds());
        assertEquals(BOTH_CLEARED, page.setCookies(), "one decision, after the last save");
        assertEquals(Map.of(), client.cookies());
    }

    @Test
    void commit_sessionGoneBeforeTheBodyThenANewOne_onlyTheNewSessionsCookies() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("a", "2");
            store.behindTheBack().write(new SessionChange.Delete(id));
            response.getWriter().print("page");
            request.getSession(true).setAttribute("c", "3");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(List.of("Update", "Create"), store.writeKinds());
        String newId = store.lastChange() instanceof SessionChange.Create create ? create.session().id() : null;
        assertNotEquals(id, newId);
        assertEquals(List.of("SESSION=" + newId + ATTRIBUTES), page.setCookies(),
                "the clearing taken back; the client knew version 1, which the new session has");
    }

    @Test
    void commit_savedBeforeAndAfterTheBody_oneVersionCookieOfTheLastVersionAndTheApplicationsCookieKept()
            throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("a", "2");
            response.getWriter().print("page");
            response.addCookie(new Cookie("theme", "dark"));
            request.getSession().setAttribute("a", "3");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(List.of("Update", "Update"), store.writeKinds());
        assertEquals(List.of("theme=dark", "SESSION_V=3" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void commit_newSessionInvalidatedAfterTheBodyStarted_cookiesOfItTakenBack() throws Exception {
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("a", "1");
            response.getWriter().print("page");
            request.getSession().invalidate();
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(List.of("Create", "Delete"), store.writeKinds());
        assertEquals(BOTH_CLEARED, page.setCookies());
        assertEquals(Map.of(), client.cookies());
    }

    @Test
    void commit_renameFindsItsSessionGone_cookiesClearedAndNeitherIdStored() throws Exception {
        String id = web.seed(Map.of("a", "1"));
        clientOf(id);
        web.on("/page", (request, response) -> {
            request.getSession();
            store.behindTheBack().write(new SessionChange.Delete(id));
            response.getWriter().print(request.changeSessionId());
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(List.of("Rename"), store.writeKinds());
        assertFalse(store.holds(id), "the old id stays deleted");
        assertFalse(store.holds(page.body()), "the new id is not stored");
        assertEquals(BOTH_CLEARED, page.setCookies());
    }

    @Test
    void getSession_createdAfterTheResponseIsCommitted_illegalStateAndNothingStored() throws Exception {
        web.on("/page", (request, response) -> {
            response.getWriter().print("committed|");
            response.flushBuffer();
            response.getWriter().print(outcome(() -> request.getSession(true)));
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals("committed|IllegalStateException", page.body());
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    // --- Saved before the response can be committed ---

    @Test
    void getWriter_firstWrite_sessionSavedBeforeTheBodyStarts() throws Exception {
        AtomicBoolean savedBeforeBody = new AtomicBoolean();
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.getWriter().print(session.getId());
            savedBeforeBody.set(store.holds(session.getId()));
        });

        FilterHarness.Response page = client.get("/page");

        assertTrue(savedBeforeBody.get(), "stored when the first character was written");
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(List.of("SESSION=" + page.body() + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void getOutputStream_firstWrite_sessionSavedBeforeTheBodyStarts() throws Exception {
        AtomicBoolean savedBeforeBody = new AtomicBoolean();
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.getOutputStream().write(session.getId().getBytes(StandardCharsets.US_ASCII));
            savedBeforeBody.set(store.holds(session.getId()));
        });

        FilterHarness.Response page = client.get("/page");

        assertTrue(savedBeforeBody.get(), "stored when the first byte was written");
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(List.of("SESSION=" + page.body() + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void getOutputStream_byteBufferWrite_sessionSavedAndBodySent() throws Exception {
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.getOutputStream().write(ByteBuffer.wrap(session.getId().getBytes(StandardCharsets.US_ASCII)));
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(200, page.status());
        assertEquals(List.of("Create"), store.writeKinds());
        assertEquals(List.of("SESSION=" + page.body() + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
    }

    @Test
    void sendRedirect_newSession_savedBeforeTheRedirectAndSeenByTheNextRequest() throws Exception {
        AtomicBoolean savedBeforeRedirect = new AtomicBoolean();
        web.on("/login", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("user", "ann");
            response.sendRedirect("/home", 303);
            savedBeforeRedirect.set(store.holds(session.getId()));
        });
        web.on("/home", (request, response) -> response.getWriter().print(
                request.getSession().getAttribute("user")));

        FilterHarness.Response redirect = client.get("/login");
        FilterHarness.Response home = client.get("/home");

        assertEquals(303, redirect.status());
        assertEquals("/home", redirect.header("Location"));
        assertTrue(savedBeforeRedirect.get(), "stored when sendRedirect returned");
        String id = client.cookie("SESSION");
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), redirect.setCookies());
        assertEquals("ann", home.body());
        assertEquals(List.of("Create"), store.writeKinds());
    }

    @Test
    void sendError_newSession_savedBeforeTheErrorAndCookiesSent() throws Exception {
        AtomicBoolean savedBeforeError = new AtomicBoolean();
        web.on("/page", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            response.sendError(404);
            savedBeforeError.set(store.holds(session.getId()));
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(404, page.status());
        assertTrue(savedBeforeError.get(), "stored when sendError returned");
        String id = client.cookie("SESSION");
        assertEquals(List.of("SESSION=" + id + ATTRIBUTES, "SESSION_V=1" + ATTRIBUTES), page.setCookies());
        assertEquals(List.of("Create"), store.writeKinds());
    }

    // --- Failures ---

    @Test
    void doFilter_storeUnavailableOnLoad_failureStatusWithoutStackTrace() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        store.failLoads();
        web.on("/page", (request, response) -> response.getWriter().print("page of " + request.getSession(false)));

        FilterHarness.Response page = client.get("/page");

        assertEquals(503, page.status());
        assertFalse(page.body().contains("page of"), "none of the page: " + page.body());
        assertNoStackTrace(page.body());
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void doFilter_storeUnavailableOnTheLastSave_failureStatusAndNoCookie() throws Exception {
        store.failWrites();
        web.on("/page", (request, response) -> request.getSession().setAttribute("a", "1"));

        FilterHarness.Response page = client.get("/page");

        assertEquals(503, page.status());
        assertNoStackTrace(page.body());
        assertEquals(List.of("Create"), store.writeKinds(), "the save was tried");
        assertEquals(0, store.size(), "sessions stored");
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void doFilter_storeUnavailableWhenTheBodyStarts_failureStatusAndNoneOfThePage() throws Exception {
        store.failWrites();
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("a", "1");
            response.getWriter().print("secret page");
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(503, page.status());
        assertFalse(page.body().contains("secret page"), "none of the page: " + page.body());
        assertNoStackTrace(page.body());
        assertEquals(List.of(), page.setCookies());
    }

    @Test
    void doFilter_storeUnavailableWrappedByTheApplication_failureStatus() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        store.failLoads();
        web.on("/page", (request, response) -> {
            try {
                request.getSession(false);
            } catch (SessionStoreUnavailableException e) {
                throw new ServletException("could not load the cart", e);
            }
        });

        FilterHarness.Response page = client.get("/page");

        assertEquals(503, page.status());
        assertNoStackTrace(page.body());
    }

    @Test
    void doFilter_storeUnavailableWithoutACause_failureStatus() throws Exception {
        clientOf(web.seed(Map.of("a", "1")));
        store.failWith(() -> new SessionStoreUnavailableException("The store timed out", null));
        store.failLoads();
        web.on("/page", (request, response) -> request.getSession(false));

        FilterHarness.Response page = web.expectingServletException(() -> client.get("/page"));

        assertEquals(503, page.status());
        assertNoStackTrace(page.body());
    }

    @Test
    void doFilter_applicationThrows_errorStatusAndNothingSaved() throws Exception {
        web.on("/page", (request, response) -> {
            request.getSession().setAttribute("a", "1");
            throw new IllegalStateException("the application failed");
        });

        FilterHarness.Response page = web.expectingServletException(() -> client.get("/page"));

        assertEquals(500, page.status());
        assertEquals(List.of(), store.writeKinds());
        assertEquals(List.of(), page.setCookies());
    }

    /** The client holds the session and knows its version 1, as after the response that created it. */
    private void clientOf(String id) {
        client.cookie("SESSION", id).cookie("SESSION_V", "1");
    }

    private static void assertNoStackTrace(String body) {
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("io.sessionstore"),
                "no stack trace in the body: " + body);
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    /** The simple name of what the call threw, or "returned". */
    private static String outcome(Call call) {
        try {
            call.call();
            return "returned";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }
}
