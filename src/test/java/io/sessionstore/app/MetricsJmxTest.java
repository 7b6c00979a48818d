package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.Poll;
import io.sessionstore.testing.PrometheusText;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.WebClient;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The application's session metrics in the platform MBean server, as an operator's JMX console reads them: one MBean
 * per application, the same counts as {@code /metrics} under the same names, gone when the application stops.
 */
@NeedsRedis
class MetricsJmxTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void mbean_whileTheAppRuns_sameCountsAsTheScrapeThenUnregisteredAtStop() throws Exception {
        ObjectName pattern = new ObjectName("io.sessionstore:type=SessionStore,*");
        Set<ObjectName> others = SERVER.queryNames(pattern, null);
        TestApp app = TestApp.start(Map.of("METRICS_ENABLED", "true", "SESSION_TIMEOUT_SECONDS", "1",
                "SESSION_HOUSEKEEPING_MS", "100"));
        ObjectName name;
        try {
            Set<ObjectName> names = new HashSet<>(SERVER.queryNames(pattern, null));
            names.removeAll(others);
            assertEquals(1, names.size(), "one MBean for the application: " + names);
            name = names.iterator().next();
            assertEquals("/", name.getKeyProperty("context"));
            assertEquals("localhost", name.getKeyProperty("host"));

            WebClient browser = new WebClient();
            browser.login(app, "jmx@example.com");
            assertEquals(200, browser.get(app.url("/")).statusCode());
            assertEquals(1L, SERVER.getAttribute(name, "sessionstore_session_creations_total"));
            assertEquals(1L, SERVER.getAttribute(name, "sessionstore_visits_total"));
            assertTrue((Long) SERVER.getAttribute(name,
                    "sessionstore_redis_round_trip_seconds_count{operation=\"save\"}") >= 1);

            // Left alone, the session times out: claimed by the sweep and counted. Nothing moves after that.
            Poll.until(Duration.ofSeconds(10), "the session's expiry is counted",
                    () -> (Long) SERVER.getAttribute(name, "sessionstore_sessions_expired_total") == 1L);
            PrometheusText scrape = PrometheusText.parse(new WebClient().get(app.url("/metrics")).body());
            for (MBeanAttributeInfo attribute : SERVER.getMBeanInfo(name).getAttributes()) {
                if (attribute.getName().contains("_total")) {
                    String series = attribute.getName().contains("{")
                            ? attribute.getName().replace("{", "{context=\"/\",")
                            : attribute.getName() + "{context=\"/\"}";
                    assertTrue(scrape.has(sorted(series)), sorted(series) + " is in the scrape too");
                    assertEquals(scrape.value(sorted(series)),
                            ((Long) SERVER.getAttribute(name, attribute.getName())).doubleValue(), series);
                }
            }
        } finally {
            app.close();
            try (RespClient redis = new RespClient(TestRedis.url())) {
                redis.deleteKeys(app.keyPrefix());
            }
        }
        assertFalse(SERVER.isRegistered(name), "the MBean is unregistered when the application stops");
    }

    /** The labels of a series in name order, as the scrape's reader keys them. */
    private static String sorted(String series) {
        int brace = series.indexOf('{');
        String[] labels = series.substring(brace + 1, series.length() - 1).split(",");
        java.util.Arrays.sort(labels);
        return series.substring(0, brace) + "{" + String.join(",", labels) + "}";
    }
}
