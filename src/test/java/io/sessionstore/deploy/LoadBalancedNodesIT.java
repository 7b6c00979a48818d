package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The WAR on two standalone Tomcat 11 nodes behind nginx (round robin, no stickiness), one Redis. */
@NeedsRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedNodesIT {

    private static final String PREFIX = TestRedis.uniquePrefix("lb");
    private static ClusterScript cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = ClusterScript.up("it-load-balanced", false, Map.of("KEY_PREFIX", PREFIX));
    }

    @AfterAll
    static void down() throws Exception {
        cluster.close();
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
    }

    @Test
    @Order(1)
    void roundRobin_loginAndTwentyPages_countsInOrderServedByBothNodes() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, login(browser, "robin@example.com").statusCode());
        Set<String> upstreams = new HashSet<>();
        for (int expected = 1; expected <= 20; expected++) {
            HttpResponse<String> page = browser.get(cluster.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("robin@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
            upstreams.add(page.headers().firstValue("X-Upstream").orElseThrow());
        }
        assertEquals(Set.of("127.0.0.1:" + cluster.nodePort(1), "127.0.0.1:" + cluster.nodePort(2)), upstreams);
    }

    @Test
    @Order(2)
    void nodeStopped_loggedIn_nextPagesStillLoggedInWithNoLostCount() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, login(browser, "survivor@example.com").statusCode());
        for (int expected = 1; expected <= 4; expected++) {
            assertEquals(expected, WebClient.visits(browser.get(cluster.url("/"))));
        }
        cluster.stopNode(1);
        for (int expected = 5; expected <= 12; expected++) {
            HttpResponse<String> page = browser.get(cluster.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("survivor@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
            assertEquals("127.0.0.1:" + cluster.nodePort(2), page.headers().firstValue("X-Upstream").orElseThrow()
                    .replaceAll(".*, ", ""));
        }
    }

    @Test
    @Order(3)
    void nodeStopped_afterLoginsAndPages_stoppedWithoutALeakReported() throws Exception {
        String log = Files.readString(cluster.path("node1/logs/catalina.out"));
        assertTrue(log.contains("Stopping service [Catalina]"), "node1 was stopped: " + log);
        List<String> severe = log.lines().filter(line -> line.contains("SEVERE")).toList();
        assertEquals(List.of(), severe, "a clean stop (Netty's thread-local was reported as a leak)");
    }

    private static HttpResponse<String> login(WebClient browser, String email) throws Exception {
        browser.get(cluster.url("/login"));
        return browser.post(cluster.url("/login"), Map.of("email", email, "csrf", browser.cookie("CSRF")));
    }
}
