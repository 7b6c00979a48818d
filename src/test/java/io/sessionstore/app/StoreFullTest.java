package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.AppWithRedis;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Pages;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.WebClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis full (at its {@code maxmemory} under {@code noeviction}): new sign-ins get a clear 503, signed-in users keep
 * their session, {@code /health} says so, and all is well again once there is room.
 */
@NeedsRedis
class StoreFullTest {

    @RegisterExtension
    static final AppWithRedis fixture = AppWithRedis.onPrivateRedis(Map.of());

    @Test
    void login_redisFull_refusedAsFullWhileSignedInUsersKeepTheirSessionThenAllowedWhenThereIsRoom()
            throws Exception {
        WebClient signedIn = new WebClient();
        assertEquals(303, signedIn.login(fixture.app(), "early@example.com").statusCode());
        assertEquals(1, WebClient.visits(signedIn.get(fixture.url("/"))));

        try (RespClient admin = fixture.privateRedis().client()) {
            fill(admin);

            HttpResponse<String> refused = new WebClient().login(fixture.app(), "late@example.com");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("Sign-ins are paused"), refused.body());
            Pages.assertNoStackTrace(refused);

            // The session loads; the visit counter is a write of its own and may be refused (a 503 page then).
            HttpResponse<String> page = signedIn.get(fixture.url("/"));
            assertNotEquals(303, page.statusCode(), "still signed in");
            assertTrue(page.statusCode() == 200 || page.statusCode() == 503, "status " + page.statusCode());

            HttpResponse<String> health = new WebClient().get(fixture.url("/health"));
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\",\"sessionStore\":\"FULL\"}", health.body());

            admin.call("CONFIG", "SET", "maxmemory", "0");
        }
        assertEquals("{\"status\":\"UP\"}", new WebClient().get(fixture.url("/health")).body());
        assertEquals(303, new WebClient().login(fixture.app(), "late@example.com").statusCode());
    }

    /**
     * Redis under noeviction with a maxmemory well below what it uses: every write that needs memory is refused.
     * (Filling it up to a limit would leave it hovering at the edge: its clients' buffers grow and shrink by more
     * than a session.)
     */
    private static void fill(RespClient admin) throws IOException {
        admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        admin.call("CONFIG", "SET", "maxmemory", String.valueOf(admin.info("memory", "used_memory") - 300_000));
    }
}
