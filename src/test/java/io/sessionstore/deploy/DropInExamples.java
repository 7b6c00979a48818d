package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drop-in on standalone Tomcat distributions: Tomcat's own {@code examples} application, unmodified, with
 * nothing but {@code target/drop-in/*.jar} in each node's {@code lib/}, on two nodes behind nginx (round robin, no
 * sticky sessions) sharing one Redis. Run once per Tomcat version by {@link DropInTomcat11IT} and
 * {@link DropInTomcat10IT}.
 */
@NeedsRedis
abstract class DropInExamples {

    /** The application's own key prefix: from its display name, "Servlet and JSP Examples". */
    private static final String PREFIX = "sessionstore:Servlet_and_JSP_Examples:";
    private static final Pattern ATTRIBUTE_LINE = Pattern.compile("(k\\d+) = (v\\d+)");
    private static final Pattern CART_ITEM = Pattern.compile("<li> ([^<]+)");

    private static ClusterScript cluster;
    private final List<HttpResponse<String>> responses = new ArrayList<>();

    static void up(String tomcatVersion) throws Exception {
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
        cluster = ClusterScript.up("it-drop-in-" + tomcatVersion, List.of("--drop-in"),
                Map.of("TOMCAT_VERSION", tomcatVersion));
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
