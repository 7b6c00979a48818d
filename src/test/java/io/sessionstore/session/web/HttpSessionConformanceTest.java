package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.web.SessionImplementations.Client;
import io.sessionstore.session.web.SessionImplementations.Implementation;
import io.sessionstore.session.web.SessionImplementations.Response;
import io.sessionstore.testing.Poll;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance of the filter's sessions to the Servlet 6.1 specification, each rule checked side by side against the
 * filter over an in-memory store and against Tomcat's own sessions, the reference, with the same servlet over
 * HTTP ({@link SessionImplementations}). Each test is one rule, run once per implementation, and asserts what the
 * specification says for both. Where the filter differs from Tomcat by a deliberate decision, the test asserts each
 * implementation's answer and names the decision; where Tomcat itself departs from the specification, the test
 * says so and asserts the specification for the filter.
 *
 * <p>The rules, from chapter 7 (Sessions), chapter 11 (Application Lifecycle Events) and the Javadoc of
 * {@code HttpSession}, {@code HttpServletRequest}, {@code HttpSessionBindingEvent} and the session listeners:
 * <ul>
 *   <li>7.2 and {@code HttpServletRequest.getSession(boolean)}: {@code getSession(false)} without a session is null
 *       and creates none; {@code getSession()} creates one, new in the creating request and no longer new once the
 *       client sends its cookie back.</li>
 *   <li>7.2 and {@code HttpSession}: the id and creation time stay the same across requests.</li>
 *   <li>7.6 and {@code getLastAccessedTime}: the creation time in the creating request; later, the time of the
 *       previous request of the session, not the current one.</li>
 *   <li>7.5 and {@code get/setMaxInactiveInterval}: the default is the application's session timeout; a value set
 *       is kept for the next request, 0 and negative values included (they mean never).</li>
 *   <li>{@code setAttribute}, {@code removeAttribute}, {@code getAttributeNames}: a null value removes the
 *       attribute; the names follow additions and removals; values (serializable objects, strings, numbers) are
 *       there in the next request.</li>
 *   <li>{@code HttpSession} after {@code invalidate()}: the methods documented to throw
 *       {@code IllegalStateException} do, {@code getId} and {@code getServletContext} still answer;
 *       {@code getSession(false)} is then null, {@code getSession(true)} a new session with another id, and the old
 *       id names no session in the next request (7.5: once invalidation is initiated, a new request must not be able
 *       to see that session).</li>
 *   <li>7.2 and {@code changeSessionId()}: {@code IllegalStateException} without a session; a new id, the
 *       attributes kept, the old id gone; {@code HttpSessionIdListener} told the old and the new id.</li>
 *   <li>{@code getRequestedSessionId}, {@code isRequestedSessionIdValid}, {@code isRequestedSessionIdFromCookie},
 *       {@code isRequestedSessionIdFromURL}: the id the client sent, whether or not it names a session, valid only
 *       when it names a live one; from a cookie, not from the URL.</li>
 *   <li>{@code HttpServletRequest.getSession(boolean)}: creating a session once the response is committed throws
 *       {@code IllegalStateException}.</li>
 *   <li>7.4, {@code HttpSessionBindingListener} and {@code HttpSessionBindingEvent.getValue}: {@code valueBound}
 *       before the value can be read with {@code getAttribute}, {@code valueUnbound} after it no longer can, on a
 *       replace (with the old value), a removal and an invalidation; setting the same instance again neither
 *       unbinds nor binds it again.</li>
 *   <li>11.2 and {@code HttpSessionAttributeListener}: attribute added (the value), replaced (the old value),
 *       removed (the value removed); on {@code invalidate()}, {@code sessionDestroyed} first, while the attributes
 *       can be read, then each attribute removed.</li>
 *   <li>11.2 and {@code HttpSessionListener}: {@code sessionCreated} once per session, {@code sessionDestroyed}
 *       once on invalidation and once on a timeout.</li>
 *   <li>7.5: a session idle longer than its max inactive interval is gone. Tomcat's manager expires sessions in the
 *       background only every minute, but checks on access, so the rule is checked by a request after the timeout;
 *       the filter tells the application from its sweep.</li>
 *   <li>7.1.1 and {@code SessionCookieConfig}: the session cookie's name and {@code HttpOnly}.</li>
 * </ul>
 */
class HttpSessionConformanceTest {

    @RegisterExtension
    static final SessionImplementations sessions = new SessionImplementations();

    /** What the values of {@link Bound} were told, oldest first. */
    private static final List<String> BINDINGS = new CopyOnWriteArrayList<>();
    /** A request's handler handles the request as a long one: it answers this much after it began. */
    private static final long SLOW_MILLIS = 60;

    /** What the handlers saw, by name, for the test thread to check once the response is in. */
    private final Map<String, Object> seen = Collections.synchronizedMap(new LinkedHashMap<>());

    static Stream<Implementation> both() {
        return sessions.both();
    }

    @BeforeEach
    void clear() {
        BINDINGS.clear();
    }

    // 7.2, HttpServletRequest.getSession(boolean)

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getSessionFalse_noSession_nullAndNoneCreated(Implementation implementation) throws Exception {
        implementation.on("/peek", (request, response) -> seen.put("session", request.getSession(false)));

        Response response = implementation.client().get("/peek");

        assertNull(seen("session"));
        assertEquals(List.of(), sessionCookies(implementation, response));
        assertEquals(List.of(), implementation.listenerEvents());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getSession_noSession_createsOneThatIsNew(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> {
            HttpSession session = request.getSession();
            seen.put("id", session.getId());
            seen.put("isNew", session.isNew());
            seen.put("getSession(true)", request.getSession(true).getId());
            seen.put("getSession(false)", request.getSession(false).getId());
        });
        Client client = implementation.client();

        client.get("/create");

        String id = (String) seen("id");
        assertNotNull(id);
        assertEquals(true, seen("isNew"));
        assertEquals(id, seen("getSession(true)"));
        assertEquals(id, seen("getSession(false)"));
        assertEquals(id, client.sessionCookie());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void isNew_nextRequestSendsTheCookie_false(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/peek", (request, response) -> seen.put("isNew", request.getSession(false).isNew()));
        Client client = implementation.client();

        client.get("/create");
        client.get("/peek");

        assertEquals(false, seen("isNew"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getIdAndGetCreationTime_acrossRequests_unchanged(Implementation implementation) throws Exception {
        implementation.on("/read", (request, response) -> {
            HttpSession session = request.getSession();
            seen.put("id " + request.getParameter("n"), session.getId());
            seen.put("creation " + request.getParameter("n"), session.getCreationTime());
        });
        Client client = implementation.client();
        long before = System.currentTimeMillis();

        client.get("/read?n=1");
        long after = System.currentTimeMillis();
        client.get("/read?n=2");
        client.get("/read?n=3");

        long created = (Long) seen("creation 1");
        assertTrue(created >= before && created <= after, "created while the first request ran: " + created);
        assertEquals(List.of(seen("id 1"), created), List.of(seen("id 2"), seen("creation 2")));
        assertEquals(List.of(seen("id 1"), created), List.of(seen("id 3"), seen("creation 3")));
    }

    // 7.6, HttpSession.getLastAccessedTime

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getLastAccessedTime_creatingRequest_creationTime(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> {
            HttpSession session = request.getSession();
            seen.put("creation", session.getCreationTime());
            seen.put("lastAccessed", session.getLastAccessedTime());
        });

        implementation.client().get("/create");

        assertEquals(seen("creation"), seen("lastAccessed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getLastAccessedTime_laterRequest_timeOfThePreviousRequest(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        // A long request that asks for its session only near its end.
        implementation.on("/slow", (request, response) -> {
            seen.put("handled", System.currentTimeMillis());
            Thread.sleep(SLOW_MILLIS);
            request.getSession(false);
        });
        implementation.on("/read", (request, response) -> {
            seen.put("now", System.currentTimeMillis());
            seen.put("lastAccessed", request.getSession(false).getLastAccessedTime());
        });
        Client client = implementation.client();
        client.get("/create");

        long sent = System.currentTimeMillis();
        client.get("/slow");
        long answered = System.currentTimeMillis();
        Thread.sleep(20); // so that the current request's time cannot be the previous one's
        client.get("/read");

        long lastAccessed = (Long) seen("lastAccessed");
        assertTrue(lastAccessed >= sent && lastAccessed <= answered,
                "the time of the previous request, between " + sent + " and " + answered + ": " + lastAccessed);
        assertTrue(lastAccessed < (Long) seen("now"), "not the current request's time");
        long handled = (Long) seen("handled");
        if (implementation.isFilter()) {
            // 7.6: "accessed when a request that is part of the session is first handled by the servlet container".
            assertTrue(lastAccessed <= handled, "when the previous request came, by " + handled + ": "
                    + lastAccessed);
        } else {
            // Tomcat departs from 7.6 by default: its manager marks the end of the previous request, unless its
            // sessionLastAccessAtStart is on (off unless STRICT_SERVLET_COMPLIANCE).
            assertTrue(lastAccessed >= handled + SLOW_MILLIS, "when the previous request ended: " + lastAccessed);
        }
    }

    // 7.5, HttpSession.getMaxInactiveInterval / setMaxInactiveInterval

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getMaxInactiveInterval_newSession_theApplicationsSessionTimeout(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> {
            seen.put("interval", request.getSession().getMaxInactiveInterval());
            seen.put("context", request.getServletContext().getSessionTimeout());
        });

        implementation.client().get("/create");

        assertEquals(SessionImplementations.SESSION_TIMEOUT_MINUTES, seen("context"));
        assertEquals(SessionImplementations.SESSION_TIMEOUT_MINUTES * 60, seen("interval"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getMaxInactiveInterval_applicationsSessionTimeoutZero_neverOrTheLongestTimeout(
            Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> {
            seen.put("interval", request.getSession().getMaxInactiveInterval());
            seen.put("context", request.getServletContext().getSessionTimeout());
        });

        implementation.client().get(SessionImplementations.CONFIGURED + "/create");

        int context = (Integer) seen("context");
        int interval = (Integer) seen("interval");
        assertTrue(context <= 0, "Tomcat keeps a timeout of 0 as -1, never: " + context);
        // 7.5: a timeout of 0 or less means the session never expires. Tomcat gives its sessions a max inactive
        // interval of 0 or less (never); the filter's decision is to make an application timeout of 0 or less the
        // longest timeout it allows, 365 days (SessionSettings), so that every stored session still ends.
        if (implementation.isFilter()) {
            assertEquals(365 * 24 * 60 * 60, interval);
        } else {
            assertTrue(interval <= 0, "never: " + interval);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void setMaxInactiveInterval_nextRequest_kept(Implementation implementation) throws Exception {
        implementation.on("/set", (request, response) -> request.getSession().setMaxInactiveInterval(123));
        implementation.on("/read", (request, response) ->
                seen.put("interval", request.getSession(false).getMaxInactiveInterval()));
        Client client = implementation.client();

        client.get("/set");
        client.get("/read");

        assertEquals(123, seen("interval"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void setMaxInactiveInterval_zeroOrNegative_keptAsSet(Implementation implementation) throws Exception {
        implementation.on("/set", (request, response) -> {
            HttpSession session = request.getSession();
            seen.put("before " + request.getParameter("s"), session.getMaxInactiveInterval());
            session.setMaxInactiveInterval(Integer.parseInt(request.getParameter("s")));
        });
        implementation.on("/read", (request, response) ->
                seen.put("interval", request.getSession(false).getMaxInactiveInterval()));
        Client client = implementation.client();

        client.get("/set?s=0");
        client.get("/set?s=-1");
        client.get("/read");

        assertEquals(0, seen("before -1"));
        assertEquals(-1, seen("interval"));
    }

    // HttpSession.setAttribute / removeAttribute / getAttributeNames

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void setAttribute_nullValue_sameAsRemoveAttribute(Implementation implementation) throws Exception {
        implementation.on("/set", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            session.setAttribute("b", "2");
        });
        implementation.on("/null", (request, response) -> {
            HttpSession session = request.getSession(false);
            session.setAttribute("a", null);
            seen.put("a", session.getAttribute("a"));
        });
        implementation.on("/names", (request, response) -> seen.put("names", names(request.getSession(false))));
        Client client = implementation.client();

        client.get("/set");
        String id = client.sessionCookie();
        client.get("/null");
        client.get("/names");

        assertNull(seen("a"));
        assertEquals(Set.of("b"), seen("names"));
        assertEquals(List.of("created " + id, "added a=1", "added b=2", "removed a=1"),
                implementation.listenerEvents());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getAttributeNames_setAndRemove_followsThem(Implementation implementation) throws Exception {
        implementation.on("/change", (request, response) -> {
            HttpSession session = request.getSession();
            seen.put("empty", names(session));
            session.setAttribute("a", "1");
            session.setAttribute("b", "2");
            session.setAttribute("c", "3");
            seen.put("set", names(session));
            session.removeAttribute("b");
            session.removeAttribute("absent");
            seen.put("removed", names(session));
        });
        implementation.on("/names", (request, response) -> seen.put("next", names(request.getSession(false))));
        Client client = implementation.client();

        client.get("/change");
        client.get("/names");

        assertEquals(Set.of(), seen("empty"));
        assertEquals(Set.of("a", "b", "c"), seen("set"));
        assertEquals(Set.of("a", "c"), seen("removed"));
        assertEquals(Set.of("a", "c"), seen("next"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getAttribute_nextRequest_valuesKept(Implementation implementation) throws Exception {
        implementation.on("/set", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("note", new Note("kept", List.of("x", "y")));
            session.setAttribute("text", "some text");
            session.setAttribute("number", 42);
        });
        implementation.on("/read", (request, response) -> {
            HttpSession session = request.getSession(false);
            for (String name : List.of("note", "text", "number")) {
                seen.put(name, session.getAttribute(name));
            }
        });
        Client client = implementation.client();

        client.get("/set");
        client.get("/read");

        assertEquals(new Note("kept", List.of("x", "y")), seen("note"));
        assertEquals("some text", seen("text"));
        assertEquals(42, seen("number"));
    }

    // HttpSession after invalidate()

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void invalidate_thenSessionMethods_illegalStateExceptGetIdAndGetServletContext(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> request.getSession().setAttribute("a", "1"));
        implementation.on("/invalidate", (request, response) -> {
            HttpSession session = request.getSession(false);
            String id = session.getId();
            session.invalidate();
            Map<String, Object> answers = new LinkedHashMap<>();
            answers.put("getAttribute", outcome(() -> session.getAttribute("a")));
            answers.put("getAttributeNames", outcome(session::getAttributeNames));
            answers.put("setAttribute", outcome(() -> {
                session.setAttribute("b", "2");
                return "set";
            }));
            answers.put("removeAttribute", outcome(() -> {
                session.removeAttribute("a");
                return "removed";
            }));
            answers.put("getCreationTime", outcome(session::getCreationTime));
            answers.put("getLastAccessedTime", outcome(session::getLastAccessedTime));
            answers.put("isNew", outcome(session::isNew));
            answers.put("invalidate", outcome(() -> {
                session.invalidate();
                return "invalidated";
            }));
            answers.put("getId is the id", outcome(() -> id.equals(session.getId())));
            answers.put("getServletContext is the application",
                    outcome(() -> session.getServletContext() == request.getServletContext()));
            seen.put("answers", answers);
        });
        Client client = implementation.client();
        client.get("/create");

        client.get("/invalidate");

        String illegalState = "threw IllegalStateException";
        Map<String, Object> expected = new LinkedHashMap<>();
        for (String method : List.of("getAttribute", "getAttributeNames", "setAttribute", "removeAttribute",
                "getCreationTime", "getLastAccessedTime", "isNew", "invalidate")) {
            expected.put(method, illegalState);
        }
        // Neither documents IllegalStateException (HttpSession Javadoc, Servlet 6.1), and Tomcat answers both.
        expected.put("getId is the id", true);
        expected.put("getServletContext is the application", true);
        assertEquals(expected, seen("answers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getSessionFalse_afterInvalidateInTheSameRequest_null(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/invalidate", (request, response) -> {
            request.getSession(false).invalidate();
            seen.put("session", request.getSession(false));
        });
        Client client = implementation.client();
        client.get("/create");

        client.get("/invalidate");

        assertNull(seen("session"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getSessionTrue_afterInvalidateInTheSameRequest_newSessionWithAnotherId(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> request.getSession().setAttribute("a", "1"));
        implementation.on("/replace", (request, response) -> {
            HttpSession old = request.getSession(false);
            seen.put("old", old.getId());
            old.invalidate();
            HttpSession replacement = request.getSession(true);
            seen.put("new", replacement.getId());
            seen.put("isNew", replacement.isNew());
            seen.put("names", names(replacement));
        });
        implementation.on("/read", (request, response) -> seen.put("next", request.getSession(false).getId()));
        Client client = implementation.client();
        client.get("/create");

        client.get("/replace");
        client.get("/read");

        assertNotEquals(seen("old"), seen("new"));
        assertEquals(true, seen("isNew"));
        assertEquals(Set.of(), seen("names"));
        assertEquals(seen("new"), seen("next"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void invalidate_oldIdInTheNextRequest_namesNoSession(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession().setAttribute("a", "1"));
        implementation.on("/invalidate", (request, response) -> request.getSession(false).invalidate());
        implementation.on("/peek", (request, response) -> {
            seen.put("session", request.getSession(false));
            seen.put("valid", request.isRequestedSessionIdValid());
        });
        Client client = implementation.client();
        client.get("/create");
        String id = client.sessionCookie();

        client.get("/invalidate");
        implementation.client().sessionCookie(id).get("/peek");

        assertNull(seen("session"));
        assertEquals(false, seen("valid"));
    }

    // 7.2, HttpServletRequest.changeSessionId()

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void changeSessionId_noSession_illegalState(Implementation implementation) throws Exception {
        implementation.on("/change", (request, response) -> {
            seen.put("change", outcome(request::changeSessionId));
            seen.put("session", request.getSession(false));
        });

        implementation.client().get("/change");

        assertEquals("threw IllegalStateException", seen("change"));
        assertNull(seen("session"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void changeSessionId_session_newIdReturnedAndAttributesKept(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession().setAttribute("a", "1"));
        implementation.on("/change", (request, response) -> {
            String returned = request.changeSessionId();
            HttpSession session = request.getSession(false);
            seen.put("returned", returned);
            seen.put("id", session.getId());
            seen.put("a", session.getAttribute("a"));
        });
        implementation.on("/read", (request, response) -> {
            HttpSession session = request.getSession(false);
            seen.put("next id", session.getId());
            seen.put("next a", session.getAttribute("a"));
        });
        Client client = implementation.client();
        client.get("/create");
        String old = client.sessionCookie();

        client.get("/change");
        client.get("/read");

        assertNotEquals(old, seen("returned"));
        assertEquals(seen("returned"), seen("id"));
        assertEquals("1", seen("a"));
        assertEquals(seen("returned"), client.sessionCookie());
        assertEquals(seen("returned"), seen("next id"));
        assertEquals("1", seen("next a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void changeSessionId_oldIdInTheNextRequest_namesNoSession(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession().setAttribute("a", "1"));
        implementation.on("/change", (request, response) -> request.changeSessionId());
        implementation.on("/peek", (request, response) -> {
            seen.put("session", request.getSession(false));
            seen.put("valid", request.isRequestedSessionIdValid());
        });
        Client client = implementation.client();
        client.get("/create");
        String old = client.sessionCookie();

        client.get("/change");
        implementation.client().sessionCookie(old).get("/peek");

        assertNull(seen("session"));
        assertEquals(false, seen("valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void changeSessionId_idListener_toldTheOldAndTheNewId(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/change", (request, response) -> seen.put("new", request.changeSessionId()));
        Client client = implementation.client();
        client.get("/create");
        String old = client.sessionCookie();

        client.get("/change");

        assertEquals(List.of("created " + old, "idChanged " + old + " " + seen("new")),
                implementation.listenerEvents());
    }

    // HttpServletRequest.getRequestedSessionId / isRequestedSessionIdValid / isRequestedSessionIdFrom*

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getRequestedSessionId_idOfNoSession_thatIdButNotValid(Implementation implementation) throws Exception {
        implementation.on("/peek", (request, response) -> {
            seen.put("requested", request.getRequestedSessionId());
            seen.put("valid", request.isRequestedSessionIdValid());
            seen.put("session", request.getSession(false));
        });
        String unknown = new SessionIds().next(); // well-formed for both

        implementation.client().sessionCookie(unknown).get("/peek");

        assertEquals(unknown, seen("requested"));
        assertEquals(false, seen("valid"));
        assertNull(seen("session"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void isRequestedSessionIdValid_idOfALiveSession_true(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/peek", (request, response) -> {
            seen.put("requested", request.getRequestedSessionId());
            seen.put("valid", request.isRequestedSessionIdValid());
        });
        Client client = implementation.client();
        client.get("/create");

        client.get("/peek");

        assertEquals(client.sessionCookie(), seen("requested"));
        assertEquals(true, seen("valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void isRequestedSessionIdFromCookie_idInTheCookie_trueAndNotFromTheUrl(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/peek", (request, response) -> {
            seen.put("fromCookie", request.isRequestedSessionIdFromCookie());
            seen.put("fromURL", request.isRequestedSessionIdFromURL());
        });
        Client client = implementation.client();
        client.get("/create");

        client.get("/peek");

        assertEquals(true, seen("fromCookie"));
        assertEquals(false, seen("fromURL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getRequestedSessionId_noIdSent_nullAndNeitherValidNorFromCookieOrUrl(Implementation implementation)
            throws Exception {
        implementation.on("/peek", (request, response) -> {
            seen.put("requested", request.getRequestedSessionId());
            seen.put("valid", request.isRequestedSessionIdValid());
            seen.put("fromCookie", request.isRequestedSessionIdFromCookie());
            seen.put("fromURL", request.isRequestedSessionIdFromURL());
        });

        implementation.client().get("/peek");

        assertNull(seen("requested"));
        assertEquals(List.of(false, false, false), List.of(seen("valid"), seen("fromCookie"), seen("fromURL")));
    }

    // HttpServletRequest.getSession(boolean) once the response is committed

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void getSession_afterTheResponseIsCommitted_illegalState(Implementation implementation) throws Exception {
        implementation.on("/late", (request, response) -> {
            response.getWriter().print("page");
            response.flushBuffer();
            seen.put("create", outcome(request::getSession));
            seen.put("session", request.getSession(false));
        });

        Response response = implementation.client().get("/late");

        assertEquals("threw IllegalStateException", seen("create"));
        assertNull(seen("session"));
        assertEquals("page", response.body());
        assertEquals(List.of(), implementation.listenerEvents());
    }

    // 7.4, HttpSessionBindingListener

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void valueBound_setAttribute_calledBeforeTheValueCanBeRead(Implementation implementation) throws Exception {
        implementation.on("/bind", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("x", new Bound("one"));
            seen.put("after", session.getAttribute("x"));
        });

        implementation.client().get("/bind");

        assertEquals(List.of("bound x=one, getAttribute: null"), BINDINGS);
        assertEquals(new Bound("one"), seen("after"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void valueUnbound_replaced_calledWithTheOldValueOnceTheNewOneIsRead(Implementation implementation)
            throws Exception {
        implementation.on("/bind", (request, response) ->
                request.getSession().setAttribute("x", new Bound(request.getParameter("v"))));
        Client client = implementation.client();
        client.get("/bind?v=one");

        client.get("/bind?v=two");

        // HttpSessionBindingEvent.getValue: "If the attribute was removed (or unbound), this is the value of the
        // removed attribute". Tomcat departs from it here: its valueUnbound event on a replace carries no value.
        String unbound = implementation.isFilter() ? "one" : "null";
        assertEquals(List.of("bound x=one, getAttribute: null", "bound x=two, getAttribute: one",
                "unbound x=" + unbound + ", getAttribute: two"), BINDINGS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void valueUnbound_removed_calledOnceTheValueIsGone(Implementation implementation) throws Exception {
        implementation.on("/bind", (request, response) -> request.getSession().setAttribute("x", new Bound("one")));
        implementation.on("/remove", (request, response) -> request.getSession(false).removeAttribute("x"));
        Client client = implementation.client();
        client.get("/bind");

        client.get("/remove");

        assertEquals(List.of("bound x=one, getAttribute: null", "unbound x=one, getAttribute: null"), BINDINGS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void valueUnbound_invalidate_calledForEachValueOnceTheSessionIsInvalid(Implementation implementation)
            throws Exception {
        implementation.on("/bind", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("x", new Bound("one"));
            session.setAttribute("y", new Bound("two"));
        });
        implementation.on("/invalidate", (request, response) -> request.getSession(false).invalidate());
        Client client = implementation.client();
        client.get("/bind");
        BINDINGS.clear();

        client.get("/invalidate");

        assertEquals(List.of("unbound x=one, getAttribute: threw IllegalStateException",
                "unbound y=two, getAttribute: threw IllegalStateException"), sorted(BINDINGS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void setAttribute_sameInstanceAgain_neitherUnboundNorBoundAgain(Implementation implementation)
            throws Exception {
        implementation.on("/bind", (request, response) -> {
            HttpSession session = request.getSession();
            Bound value = new Bound("one");
            session.setAttribute("x", value);
            session.setAttribute("x", value);
        });
        Client client = implementation.client();

        client.get("/bind");

        assertEquals(List.of("bound x=one, getAttribute: null"), BINDINGS);
        // The attribute listeners are told of the replace, with the value as the old value, by both.
        assertEquals(List.of("created " + client.sessionCookie(), "added x=one", "replaced x=one"),
                implementation.listenerEvents());
    }

    // 11.2, HttpSessionAttributeListener and HttpSessionListener

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void attributeListener_addReplaceRemove_toldTheValueTheOldValueAndTheRemovedValue(
            Implementation implementation) throws Exception {
        implementation.on("/set", (request, response) ->
                request.getSession().setAttribute("a", request.getParameter("v")));
        implementation.on("/remove", (request, response) -> request.getSession(false).removeAttribute("a"));
        Client client = implementation.client();

        client.get("/set?v=1");
        client.get("/set?v=2");
        client.get("/remove");

        assertEquals(List.of("created " + client.sessionCookie(), "added a=1", "replaced a=1", "removed a=2"),
                implementation.listenerEvents());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void invalidate_listeners_sessionDestroyedWhileReadableThenEachAttributeRemoved(Implementation implementation)
            throws Exception {
        implementation.on("/set", (request, response) -> {
            HttpSession session = request.getSession();
            session.setAttribute("a", "1");
            session.setAttribute("b", "2");
        });
        implementation.on("/invalidate", (request, response) -> request.getSession(false).invalidate());
        Client client = implementation.client();
        client.get("/set");
        String id = client.sessionCookie();

        client.get("/invalidate");

        List<String> events = implementation.listenerEvents();
        assertEquals(List.of("created " + id, "added a=1", "added b=2", "destroyed " + id + " [a, b]"),
                events.subList(0, Math.min(4, events.size())));
        assertEquals(List.of("removed a=1", "removed b=2"), sorted(events.subList(4, events.size())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void sessionCreated_sessionUsedAcrossRequests_toldOnce(Implementation implementation) throws Exception {
        implementation.on("/use", (request, response) -> request.getSession().setAttribute("n",
                request.getParameter("n")));
        Client client = implementation.client();

        client.get("/use?n=1");
        client.get("/use?n=2");
        client.get("/use?n=3");

        assertEquals(List.of("created " + client.sessionCookie()), implementation.listenerEvents().stream()
                .filter(event -> event.startsWith("created ")).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void sessionDestroyed_invalidate_toldOnce(Implementation implementation) throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());
        implementation.on("/invalidate", (request, response) -> {
            HttpSession session = request.getSession(false);
            session.invalidate();
            seen.put("again", outcome(() -> {
                session.invalidate();
                return "invalidated";
            }));
        });
        implementation.on("/peek", (request, response) -> seen.put("session", request.getSession(false)));
        Client client = implementation.client();
        client.get("/create");
        String id = client.sessionCookie();

        client.get("/invalidate");
        implementation.client().sessionCookie(id).get("/peek");

        assertEquals("threw IllegalStateException", seen("again"));
        assertEquals(List.of("created " + id, "destroyed " + id + " []"), implementation.listenerEvents());
    }

    // 7.5, session timeout

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void maxInactiveInterval_passedWithoutARequest_sessionGoneAndDestroyedOnce(Implementation implementation)
            throws Exception {
        implementation.on("/short", (request, response) -> {
            HttpSession session = request.getSession();
            session.setMaxInactiveInterval(1);
            session.setAttribute("item", "kept");
        });
        implementation.on("/peek", (request, response) -> {
            seen.put("session", request.getSession(false));
            seen.put("valid", request.isRequestedSessionIdValid());
        });
        Client client = implementation.client();
        client.get("/short");
        String id = client.sessionCookie();

        Thread.sleep(1_200);
        client.get("/peek");

        assertNull(seen("session"));
        assertEquals(false, seen("valid"));
        // Tomcat tells the application when the request finds the session expired; the filter when its sweep
        // claims it, every SessionImplementations.FILTER_SWEEP.
        String destroyed = "destroyed " + id + " [item]";
        Poll.until(Duration.ofSeconds(2), "sessionDestroyed of the timed-out session",
                () -> implementation.listenerEvents().contains(destroyed));
        assertEquals(List.of("created " + id, "added item=kept", destroyed, "removed item=kept"),
                implementation.listenerEvents());
    }

    // 7.1.1, SessionCookieConfig

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void sessionCookie_newSession_httpOnlyWithTheImplementationsName(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> seen.put("id", request.getSession().getId()));

        Response response = implementation.client().get("/create");

        // 7.1.1: "The standard name of the session tracking cookie must be JSESSIONID". The filter's decision is
        // its own default name, SESSION, so that the container's own sessions (form login keeps its state in one)
        // never overwrite it; an application's <cookie-config> name is used by both.
        assertEquals(implementation.isFilter() ? "SESSION" : "JSESSIONID", implementation.cookieName());
        List<String> cookies = sessionCookies(implementation, response);
        assertEquals(1, cookies.size(), "one session cookie: " + response.setCookies());
        assertTrue(cookies.get(0).startsWith(implementation.cookieName() + "=" + seen("id") + ";"), cookies.get(0));
        assertTrue(attributes(cookies.get(0)).contains("httponly"), cookies.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("both")
    void sessionCookie_applicationTurnsHttpOnlyOff_httpOnlyOnlyFromTheFilter(Implementation implementation)
            throws Exception {
        implementation.on("/create", (request, response) -> request.getSession());

        Response response = implementation.client().get(SessionImplementations.CONFIGURED + "/create");

        // SessionCookieConfig.setHttpOnly(false) unmarks the session cookie as HttpOnly, as Tomcat does. The
        // filter's decision is HttpOnly always: no script needs a session id (SessionCookie).
        List<String> cookies = sessionCookies(implementation, response);
        assertEquals(1, cookies.size(), "one session cookie: " + response.setCookies());
        assertEquals(implementation.isFilter(), attributes(cookies.get(0)).contains("httponly"), cookies.get(0));
    }

    /** What a handler put under {@code name}; fails when it put nothing there (a null is a value). */
    private Object seen(String name) {
        synchronized (seen) {
            assertTrue(seen.containsKey(name), "the handler saw no " + name + ", only " + seen.keySet());
            return seen.get(name);
        }
    }

    /** What a call returned, or the exception it threw as {@code "threw IllegalStateException"}. */
    private static Object outcome(Callable<?> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    private static Set<String> names(HttpSession session) {
        return new TreeSet<>(Collections.list(session.getAttributeNames()));
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().toList();
    }

    /** The {@code Set-Cookie} headers of the implementation's session cookie. */
    private static List<String> sessionCookies(Implementation implementation, Response response) {
        return response.setCookies().stream()
                .filter(header -> header.startsWith(implementation.cookieName() + "="))
                .toList();
    }

    /** The names of a {@code Set-Cookie} header's attributes, lower case. */
    private static Set<String> attributes(String setCookie) {
        Set<String> names = new TreeSet<>();
        String[] parts = setCookie.split(";");
        for (int i = 1; i < parts.length; i++) {
            names.add(parts[i].split("=", 2)[0].strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** A serializable value of the application's own class. */
    record Note(String text, List<String> items) implements Serializable {
    }

    /**
     * A value that writes down in {@link #BINDINGS} what it is told, and what {@code getAttribute} of its name
     * answered at that moment: {@code "bound x=one, getAttribute: null"}.
     */
    record Bound(String label) implements HttpSessionBindingListener, Serializable {
        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            BINDINGS.add("bound " + describe(event));
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            BINDINGS.add("unbound " + describe(event));
        }

        private static String describe(HttpSessionBindingEvent event) {
            return event.getName() + "=" + event.getValue() + ", getAttribute: "
                    + outcome(() -> event.getSession().getAttribute(event.getName()));
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
