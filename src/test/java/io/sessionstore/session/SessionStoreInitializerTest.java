package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.TestTomcat;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications that know nothing of session-store, on an embedded Tomcat that discovers the library's
 * {@code ServletContainerInitializer} on its class path as it would in {@code lib/}: a {@code metadata-complete}
 * {@code web.xml} and one JSP that counts in its session.
 */
@NeedsRedis
class SessionStoreInitializerTest {

    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
              %s
            </web-app>
            """;
    private static final String COUNTER_JSP = """
            <%@ page contentType="text/plain" %><%
              Integer n = (Integer) session.getAttribute("n");
              session.setAttribute("n", n == null ? 1 : n + 1);
            %><%= session.getAttribute("n") %>""";

    @TempDir
    Path dir;
    /** The Tomcat last started; every one started is stopped after each test. */
    private TestTomcat tomcat;
    private final List<TestTomcat> started = new ArrayList<>();
    /** What the session layer said when an application could not start. */
    private String problem;

    @AfterEach
    void stop() throws Exception {
        for (TestTomcat each : started) {
            each.close();
        }
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys("sessionstore:initializer-");
        }
    }

    @Test
    void onStartup_unchangedApplication_sessionsInRedisUnderItsOwnPrefix() throws Exception {
        start(Map.of("/shop", app("shop", "<display-name>initializer-shop</display-name>")), Map.of());
        WebClient browser = new WebClient();
        assertEquals("1", browser.get(tomcat.url("/shop/count.jsp")).body().strip());
        assertEquals("2", browser.get(tomcat.url("/shop/count.jsp")).body().strip());
        String id = browser.cookie("SESSION");
        assertNotNull(id, "the session cookie of session-store");
        assertNull(browser.cookie("JSESSIONID"), "no container session");
        try (RespClient redis = new RespClient(TestRedis.url())) {
            assertEquals(1, redis.number("EXISTS", "sessionstore:initializer-shop:session:{" + id + "}"));
        }
    }

    @Test
    void onStartup_applicationsSessionConfig_timeoutAndCookieAsItSays() throws Exception {
        start(Map.of("/conf", app("conf", """
                <display-name>initializer-conf</display-name>
                <session-config>
                  <session-timeout>5</session-timeout>
                  <cookie-config>
                    <name>SHOPID</name>
                    <path>/</path>
                    <secure>true</secure>
                    <max-age>600</max-age>
                    <attribute><attribute-name>SameSite</attribute-name><attribute-value>Strict</attribute-value></attribute>
                    <attribute><attribute-name>Partitioned</attribute-name><attribute-value>true</attribute-value></attribute>
                  </cookie-config>
                </session-config>""")), Map.of());

        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(tomcat.uri("/conf/count.jsp")).build(), HttpResponse.BodyHandlers.ofString());

        String cookie = page.headers().allValues("Set-Cookie").get(0);
        String id = cookie.substring("SHOPID=".length(), cookie.indexOf(';'));
        assertEquals("SHOPID=" + id + "; Max-Age=600; Path=/; HttpOnly; SameSite=Strict; Secure; Partitioned", cookie);
        assertTrue(page.headers().allValues("Set-Cookie").get(1).startsWith("SHOPID_V=1; Max-Age=600; Path=/;"),
                "the version cookie follows: " + page.headers().allValues("Set-Cookie"));
        try (RespClient redis = new RespClient(TestRedis.url())) {
            assertEquals("300", redis.text("HGET", "sessionstore:initializer-conf:session:{" + id + "}", "t"),
                    "<session-timeout> of 5 minutes");
        }
    }

    @Test
    void onStartup_twoApplications_neverSeeEachOthersSessions() throws Exception {
        start(Map.of("/a", app("a", "<display-name>initializer-a</display-name>"),
                "/b", app("b", "<display-name>initializer-b</display-name>")), Map.of());
        WebClient browser = new WebClient();
        assertEquals("1", browser.get(tomcat.url("/a/count.jsp")).body().strip());
        assertEquals("2", browser.get(tomcat.url("/a/count.jsp")).body().strip());
        String idOfA = browser.cookie("SESSION");
        // A's cookie sent to B, as a browser does across ports of one host name when paths allow it.
        HttpResponse<String> onB = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tomcat.uri("/b/count.jsp"))
                .header("Cookie", "SESSION=" + idOfA).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("1", onB.body().strip(), "B starts its own session");
        assertEquals("3", browser.get(tomcat.url("/a/count.jsp")).body().strip(), "A's session is untouched");
    }

    /**
     * Browsers keep cookies per host name, not per port: two root applications on one host's two ports see each
     * other's cookies. Their sessions never mix (each has its own key prefix); with a cookie name each, neither
     * logs the other's users out.
     */
    @Test
    void onStartup_twoApplicationsOnTwoPortsOfOneHost_eachKeepsItsSessionsWithACookieNameOfItsOwn() throws Exception {
        start(Map.of("", app("left", "<display-name>initializer-left</display-name>")), Map.of());
        TestTomcat left = tomcat;
        start(Map.of("", app("right", "<display-name>initializer-right</display-name><session-config>"
                + "<cookie-config><name>RIGHT</name></cookie-config></session-config>")), Map.of());
        TestTomcat right = tomcat;
        WebClient browser = new WebClient();
        for (int visit = 1; visit <= 3; visit++) {
            assertEquals(String.valueOf(visit), browser.get(left.url("/count.jsp")).body().strip(), "left " + visit);
            assertEquals(String.valueOf(visit), browser.get(right.url("/count.jsp")).body().strip(), "right " + visit);
        }
        try (RespClient redis = new RespClient(TestRedis.url())) {
            assertEquals(1, redis.number("EXISTS", "sessionstore:initializer-left:session:{"
                    + browser.cookie("SESSION") + "}"));
            assertEquals(1, redis.number("EXISTS", "sessionstore:initializer-right:session:{"
                    + browser.cookie("RIGHT") + "}"));
        }
    }

    @Test
    void onStartup_sessionStoreContainer_containerSessions() throws Exception {
        start(Map.of("/plain", app("plain", "")), Map.of("SESSION_STORE", "container"));
        WebClient browser = new WebClient();
        assertEquals("1", browser.get(tomcat.url("/plain/count.jsp")).body().strip());
        assertEquals("2", browser.get(tomcat.url("/plain/count.jsp")).body().strip());
        assertNotNull(browser.cookie("JSESSIONID"));
        assertNull(browser.cookie("SESSION"));
    }

    @Test
    void onStartup_badSetting_applicationDoesNotStartAndSaysWhy() throws Exception {
        Context context = start(Map.of("/bad", app("bad", "")), Map.of("SESSION_TIMEOUT_SECONDS", "soon"))
                .get("/bad");
        assertFalse(context.getState().isAvailable(), "the application did not start");
        assertTrue(problem.startsWith("Configuration error: SESSION_TIMEOUT_SECONDS: "), problem);
        assertTrue(problem.contains("'soon'"), problem);
    }

    private Path app(String name, String webXmlBody) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name).resolve("WEB-INF"));
        Files.writeString(root.resolve("web.xml"), WEB_XML.formatted(webXmlBody));
        Files.writeString(root.getParent().resolve("count.jsp"), COUNTER_JSP);
        return root.getParent();
    }

    private Map<String, Context> start(Map<String, Path> apps, Map<String, String> parameters) throws Exception {
        tomcat = TestTomcat.create();
        started.add(tomcat);
        Map<String, Context> contexts = new java.util.HashMap<>();
        apps.forEach((path, root) -> {
            Context context = tomcat.addWebapp(path, root);
            context.addParameter("REDIS_URL", TestRedis.url());
            parameters.forEach(context::addParameter);
            context.addLifecycleListener(event -> {
                if ("before_stop".equals(event.getType())) {
                    Object reason = context.getServletContext().getAttribute(SessionStoreInitializer.STARTUP_PROBLEM);
                    if (reason != null) {
                        problem = reason.toString();
                    }
                }
            });
            contexts.put(path, context);
        });
        tomcat.start();
        return contexts;
    }
}
