package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.TwoNodes.Node;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A principal's sessions on two nodes with near caches, one Redis: listed from either node, and ended from one node
 * so that the session in use on the other finds no session at its very next request, its near cache included.
 */
@NeedsRedis
class PrincipalSessionsTest {

    private static Node a;
    private static Node b;
    private static String prefix;
    private static RespClient redis;

    @BeforeAll
    static void start() throws Exception {
        prefix = TestRedis.uniquePrefix("principal-sessions");
        redis = new RespClient(TestRedis.url());
        SessionSettings settings = SessionSettings.builder().redisUrl(TestRedis.url()).keyPrefix(prefix)
                .principalAttribute("email").build();
        a = new Node(settings);
        b = new Node(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            redis.deleteKeys(prefix);
            redis.close();
        }
    }

    @Test
    void logoutEverywhere_fromNodeB_sessionInUseOnNodeAEndsAtItsNextRequest() throws Exception {
        WebClient onA = new WebClient();
        WebClient onB = new WebClient();
        WebClient other = new WebClient();
        String first = onA.get(a.url("/attr?name=email&value=dana@example.com")).body();
        String second = onB.get(b.url("/attr?name=email&value=dana@example.com")).body();
        other.get(a.url("/attr?name=email&value=erin@example.com"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, onA.get(a.url("/attrs")).statusCode()); // A's near cache holds it now
        }
        assertEquals(Set.of(first, second), Set.copyOf(onA.get(a.url("/sessions-of?name=dana@example.com")).body()
                .lines().toList()));

        assertEquals("2", onB.get(b.url("/logout-everywhere?name=dana@example.com")).body());

        assertEquals(404, onA.get(a.url("/attrs")).statusCode(), "the session ended on A");
        assertEquals(404, onB.get(b.url("/attrs")).statusCode(), "the session ended on B");
        assertEquals(200, other.get(a.url("/attrs")).statusCode(), "another principal's session lives on");
        assertEquals("", onB.get(b.url("/sessions-of?name=dana@example.com")).body());
        assertTrue(b.destroyed.containsAll(List.of(first, second)), "sessionDestroyed told where they were ended");
    }

    @Test
    void logoutOthers_keepsTheCallersSessionAndEndsTheRest() throws Exception {
        WebClient caller = new WebClient();
        WebClient elsewhere = new WebClient();
        String kept = caller.get(b.url("/attr?name=email&value=fred@example.com")).body();
        elsewhere.get(a.url("/attr?name=email&value=fred@example.com"));
        assertEquals(200, elsewhere.get(a.url("/attrs")).statusCode());

        assertEquals("1", caller.get(b.url("/logout-others?name=fred@example.com")).body());

        assertEquals(404, elsewhere.get(a.url("/attrs")).statusCode());
        assertEquals("email=fred@example.com\n", caller.get(a.url("/attrs")).body());
        assertEquals(kept + "\n", caller.get(a.url("/sessions-of?name=fred@example.com")).body());
    }
}
