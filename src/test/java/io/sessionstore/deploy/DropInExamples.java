package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The drop-in on standalone Tomcat distributions: Tomcat's own {@code examples} application, unmodified, with
 * nothing but {@code target/drop-in/*.jar} in each node's {@code lib/}, on two nodes behind nginx (round robin, no
 * sticky sessions) sharing one Redis. Run once per Tomcat version by {@link DropInTomcat11IT} and
 * {@link DropInTomcat10IT}.
 *
 * <p>The application's own session listener, {@code listeners.SessionListener}, logs its events to each node's
 * context log ({@link ContextLog}): the tests read there that the filter's sessions call it. The nodes' default
 * session timeout is one minute ({@code SESSION_TIMEOUT_MINUTES}, the container's {@code conf/web.xml}; the
 * application sets none), so that a session made at start-up times out while the other tests run, and the last test
 * sees it destroyed. The application's only {@code session.invalidate()} is on a page behind its form login,
 * {@code jsp/security/protected/}: the nodes get a user for it ({@code EXAMPLES_USER}).
 */
@NeedsRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DropInExamples {

    /** The application's own key prefix: from its display name, "Servlet and JSP Examples". */
    private static final String PREFIX = "sessionstore:Servlet_and_JSP_Examples:";
    private static final Pattern ATTRIBUTE_LINE = Pattern.compile("(k\\d+) = (v\\d+)");
    private static final Pattern CART_ITEM = Pattern.compile("<li> ([^<]+)");
    private static final int TIMEOUT_MINUTES = 1;
    private static final String USER = "examples-user";
    private static final String PASSWORD = "examples-password";
    /** The sweeper destroys a timed-out session within this time of its expiry. */
    private static final Duration DESTROYED_WITHIN = Duration.ofSeconds(5);
    /** How long a line takes to show in the context log, at most, once it is logged. */
    private static final Duration LOG_DELAY = Duration.ofSeconds(10);

    private static ClusterScript cluster;
    private static ContextLog contextLog;
    /**
     * A session left alone from start-up on, to time out; when its one request was sent and answered, and its
     * timeout in seconds as stored.
     */
    private static String idleSession;
    private static String idleSessionTimeout;
    private static Instant idleSessionSent;
    private static Instant idleSessionAnswered;
    private final List<HttpResponse<String>> responses = new ArrayList<>();

    static void up(String tomcatVersion) throws Exception {
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
        cluster = ClusterScript.up("it-drop-in-" + tomcatVersion, List.of("--drop-in"),
                Map.of("TOMCAT_VERSION", tomcatVersion, "SESSION_TIMEOUT_MINUTES", String.valueOf(TIMEOUT_MINUTES),
                        "EXAMPLES_USER", USER + ":" + PASSWORD));
        contextLog = new ContextLog(cluster);
        // First, so that its timeout runs while the other tests do.
        WebClient browser = new WebClient();
        idleSessionSent = Instant.now();
        HttpResponse<String> page = browser.get(cluster.url("/examples/servlets/servlet/SessionExample"));
        idleSessionAnswered = Instant.now();
        assertEquals(200, page.statusCode());
        idleSession = browser.cookie("SESSION");
        assertNotNull(idleSession, "the session cookie of the idle session");
        try (RespClient redis = new RespClient(TestRedis.url())) {
            idleSessionTimeout = redis.text("HGET", PREFIX + "session:{" + idleSession + "}", "t");
        }
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
    }

    @Test
    void sessionExample_attributesSetOnAlternatingNodes_everyNodeShowsThemAll() throws Exception {
        WebClient browser = new WebClient();
        Set<String> upstreams = new HashSet<>();
        Map<String, String> expected = new java.util.TreeMap<>();
        for (int i = 1; i <= 6; i++) {
            HttpResponse<String> page = get(browser, "/examples/servlets/servlet/SessionExample?dataname=k" + i
                    + "&datavalue=v" + i);
            assertEquals(200, page.statusCode());
            upstreams.add(page.headers().firstValue("X-Upstream").orElseThrow());
            expected.put("k" + i, "v" + i);
            assertEquals(expected, attributes(page.body()), "page " + i);
        }
        assertEquals(2, upstreams.size(), "both nodes served: " + upstreams);
        assertNoContainerSession();
    }

    @Test
    void jspCart_itemsAddedOnAlternatingNodes_allKept() throws Exception {
        WebClient browser = new WebClient();
        Set<String> upstreams = new HashSet<>();
        Set<String> items = new TreeSet<>();
        for (int itemId = 0; itemId < 6; itemId++) {
            HttpResponse<String> page = get(browser, "/examples/jsp/sessions/carts.jsp?itemId=" + itemId
                    + "&submit=add");
            assertEquals(200, page.statusCode());
            upstreams.add(page.headers().firstValue("X-Upstream").orElseThrow());
            Set<String> shown = cart(page.body());
            assertEquals(itemId + 1, shown.size(), "items after adding item " + itemId + ": " + shown);
            assertTrue(shown.containsAll(items), "nothing added before is lost: " + shown);
            items = shown;
        }
        assertEquals(2, upstreams.size(), "both nodes served: " + upstreams);
        assertNoContainerSession();
    }

    @Test
    void sessions_keptInRedisUnderTheApplicationsPrefix() throws Exception {
        WebClient browser = new WebClient();
        get(browser, "/examples/servlets/servlet/SessionExample?dataname=k1&datavalue=v1");
        String id = browser.cookie("SESSION");
        try (RespClient redis = new RespClient(TestRedis.url())) {
            assertEquals(1, redis.number("EXISTS", PREFIX + "session:{" + id + "}"));
        }
    }

    @Test
    void sessionListener_sessionMadeOnOneNodeUsedOnTheOther_createdOnceForTheCookiesId() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> first = get(browser, "/examples/servlets/servlet/SessionExample?dataname=k1&datavalue=v1");
        String id = browser.cookie("SESSION");
        assertNotNull(id, "the session cookie");
        HttpResponse<String> second = get(browser,
                "/examples/servlets/servlet/SessionExample?dataname=k2&datavalue=v2");
        assertEquals(200, first.statusCode());
        assertEquals(200, second.statusCode());
        assertNotEquals(node(first), node(second), "both nodes served");
        // Each node logs in order: once each request's attribute shows, all it logged before does too.
        contextLog.await(LOG_DELAY, id, ContextLog.added(id, "k1", "v1"), ContextLog.added(id, "k2", "v2"));
        List<ContextLog.Line> created = contextLog.lines(ContextLog.created(id));
        assertEquals(1, created.size(), "sessionCreated of the cookie's session, once\n" + contextLog.describe(id));
        assertEquals(node(first), created.get(0).node(), "logged by the node that made it");
        assertNoContainerSession();
    }

    @Test
    void sessionListener_attributeSetTwiceOnAlternatingNodes_addedThenReplacedWithTheOldValue() throws Exception {
        WebClient browser = new WebClient();
        HttpResponse<String> first = get(browser, "/examples/servlets/servlet/SessionExample?dataname=k1&datavalue=v1");
        String id = browser.cookie("SESSION");
        HttpResponse<String> second = get(browser,
                "/examples/servlets/servlet/SessionExample?dataname=k1&datavalue=v2");
        assertEquals(200, first.statusCode());
        assertEquals(200, second.statusCode());
        assertEquals(Map.of("k1", "v2"), attributes(second.body()));
        assertNotEquals(node(first), node(second), "both nodes served");
        contextLog.await(LOG_DELAY, id, ContextLog.added(id, "k1", "v1"), ContextLog.replaced(id, "k1", "v1"));
        List<ContextLog.Line> added = contextLog.lines("SessionListener: attributeAdded('" + id + "', 'k1', ");
        List<ContextLog.Line> replaced = contextLog.lines("SessionListener: attributeReplaced('" + id + "', 'k1', ");
        assertEquals(1, added.size(), "attributeAdded once\n" + contextLog.describe(id));
        assertEquals(1, replaced.size(), "attributeReplaced once\n" + contextLog.describe(id));
        assertEquals(node(first), added.get(0).node(), "added by the node that served the first request");
        assertEquals(node(second), replaced.get(0).node(), "replaced by the node that served the second request");
        assertNoContainerSession();
    }

    /**
     * The protected page's log-off calls {@code session.invalidate()}: the application's listener sees its session
     * destroyed, once. On one node: the form login itself lives in the container's session of the node that
     * checked the password (see the README).
     */
    @Test
    void sessionListener_protectedPageLogsOff_destroyedOnceByTheNodeThatInvalidated() throws Exception {
        WebClient browser = new WebClient();
        String page = "http://127.0.0.1:" + cluster.nodePort(1) + "/examples/jsp/security/protected/index.jsp";
        assertTrue(browser.get(page).body().contains("j_security_check"), "the login form first");
        HttpResponse<String> login = browser.post(page.replace("index.jsp", "j_security_check"),
                Map.of("j_username", USER, "j_password", PASSWORD));
        assertTrue(login.statusCode() / 100 == 3, "the login redirects back: " + login.statusCode());

        HttpResponse<String> protectedPage = browser.get(page);
        assertTrue(protectedPage.body().contains("You are logged in as remote user"), protectedPage.body());
        String id = browser.cookie("SESSION");
        assertNotNull(id, "the page's session is the filter's");
        assertTrue(protectedPage.body().contains("in session <b>" + id + "</b>"), protectedPage.body());

        assertEquals(302, browser.get(page + "?logoff=true").statusCode());
        contextLog.await(LOG_DELAY, id, ContextLog.created(id), ContextLog.destroyed(id));
        assertEquals(1, contextLog.count(ContextLog.destroyed(id)), contextLog.describe(id));
        assertEquals(1, contextLog.lines(ContextLog.destroyed(id)).get(0).node());
        assertTrue(browser.get(page).body().contains("j_security_check"), "logged off: the login form again");
    }

    /**
     * The session made at start-up and left alone since: destroyed once across the nodes, by whichever finds it
     * timed out, not before its timeout and not later than {@link #DESTROYED_WITHIN} after it. Last, so that its
     * waiting overlaps the other tests.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void sessionListener_sessionTimesOut_destroyedOnceAcrossTheNodes() throws Exception {
        assertEquals(String.valueOf(TIMEOUT_MINUTES * 60), idleSessionTimeout,
                "the idle session's timeout in seconds: the nodes' default from conf/web.xml");
        String destroyed = ContextLog.destroyed(idleSession);
        Instant earliest = idleSessionSent.plus(Duration.ofMinutes(TIMEOUT_MINUTES));
        Instant deadline = idleSessionAnswered.plus(Duration.ofMinutes(TIMEOUT_MINUTES)).plus(DESTROYED_WITHIN);
        // Until the deadline: a second node may destroy it too, up to then.
        int count = contextLog.count(destroyed);
        while (count < 2 && Instant.now().isBefore(deadline)) {
            if (count == 1) {
                assertFalse(Instant.now().isBefore(earliest),
                        "sessionDestroyed before the session timed out\n" + contextLog.describe(idleSession));
            }
            Thread.sleep(Math.max(1, Math.min(250, Duration.between(Instant.now(), deadline).toMillis())));
            count = contextLog.count(destroyed);
        }
        assertEquals(1, count, "sessionDestroyed('" + idleSession + "') across both nodes, by "
                + DESTROYED_WITHIN.toSeconds() + " s after the session's timeout of " + TIMEOUT_MINUTES
                + " min\n" + contextLog.describe(idleSession));
    }

    /** The node that served a response, from the load balancer's {@code X-Upstream} (the last one tried). */
    private static int node(HttpResponse<String> page) {
        String upstream = page.headers().firstValue("X-Upstream").orElseThrow().replaceAll(".*, ", "");
        for (int node = 1; node <= 2; node++) {
            if (upstream.equals("127.0.0.1:" + cluster.nodePort(node))) {
                return node;
            }
        }
        throw new AssertionError("not a node's address: " + upstream);
    }

    private HttpResponse<String> get(WebClient browser, String path) throws Exception {
        HttpResponse<String> page = browser.get(cluster.url(path));
        responses.add(page);
        return page;
    }

    /** Tomcat's own manager never made a session: no JSESSIONID cookie, in any response of the test. */
    private void assertNoContainerSession() {
        for (HttpResponse<String> response : responses) {
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                assertFalse(cookie.startsWith("JSESSIONID"), "the container's session cookie: " + cookie);
            }
        }
    }

    private static Map<String, String> attributes(String body) {
        Map<String, String> found = new java.util.TreeMap<>();
        Matcher matcher = ATTRIBUTE_LINE.matcher(body);
        while (matcher.find()) {
            found.put(matcher.group(1), matcher.group(2));
        }
        return found;
    }

    private static Set<String> cart(String body) {
        int start = body.indexOf("<ol>");
        int end = body.indexOf("</ol>");
        Set<String> found = new TreeSet<>();
        if (start >= 0 && end > start) {
            Matcher matcher = CART_ITEM.matcher(body.substring(start, end));
            while (matcher.find()) {
                found.add(matcher.group(1).strip());
            }
        }
        return found;
    }
}
