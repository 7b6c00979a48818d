package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.ClusterScript;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WAR on two standalone Tomcat nodes behind nginx, on a three-master Redis Cluster started for the test. */
@NeedsRedis
class RedisClusterIT {

    private static ClusterScript cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = ClusterScript.up("it-redis-cluster", true, Map.of());
    }

    @AfterAll
    static void down() throws Exception {
        cluster.close();
    }

    @Test
    void loginAndTwentyPages_onRedisCluster_countsInOrder() throws Exception {
        WebClient browser = new WebClient();
        assertEquals(303, login(browser, "cluster@example.com").statusCode());
        for (int expected = 1; expected <= 20; expected++) {
            HttpResponse<String> page = browser.get(cluster.url("/"));
            assertEquals(200, page.statusCode());
            assertEquals("cluster@example.com", WebClient.email(page));
            assertEquals(expected, WebClient.visits(page));
        }
    }

    @Test
    void loginAgain_onRedisCluster_movesTheSessionAcrossSlotsAndDropsTheOldId() throws Exception {
        WebClient browser = new WebClient();
        login(browser, "mover@example.com");
        int visits = WebClient.visits(browser.get(cluster.url("/")));
        boolean crossedSlots = false;
        try (RespClient redis = new RespClient("redis://127.0.0.1:" + cluster.redisClusterPort(0))) {
            for (int i = 0; i < 5; i++) {
                String oldId = browser.cookie("SESSION");
                assertEquals(303, login(browser, "mover@example.com").statusCode());
                String newId = browser.cookie("SESSION");
                assertNotEquals(oldId, newId, "login gives the session a new id");
                crossedSlots |= redis.number("CLUSTER", "KEYSLOT", "s:{" + oldId + "}")
                        != redis.number("CLUSTER", "KEYSLOT", "s:{" + newId + "}");

                HttpResponse<String> page = browser.get(cluster.url("/"));
                assertEquals("mover@example.com", WebClient.email(page));
                assertEquals(++visits, WebClient.visits(page));

                WebClient attacker = new WebClient();
                attacker.setCookie(cluster.url("/"), "SESSION", oldId);
                assertEquals(303, attacker.get(cluster.url("/")).statusCode(), "the old id finds no session");
            }
        }
        assertTrue(crossedSlots, "at least one login moved the session to another slot");

        assertEquals(303, browser.post(cluster.url("/logout"), Map.of("csrf", browser.cookie("CSRF"))).statusCode());
        HttpResponse<String> after = browser.get(cluster.url("/"));
        assertEquals(303, after.statusCode());
        assertEquals("/login", after.headers().firstValue("Location").orElseThrow());
    }

    private static HttpResponse<String> login(WebClient browser, String email) throws Exception {
        browser.get(cluster.url("/login"));
        return browser.post(cluster.url("/login"), Map.of("email", email, "csrf", browser.cookie("CSRF")));
    }
}
