package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppSettingsTest {

    private static final SessionSettings SESSIONS = SessionSettings.builder().build();

    @Test
    void read_nothingSet_defaults() {
        AppSettings settings = AppSettings.read(name -> null, SESSIONS);

        assertEquals(30, settings.visitTtlSeconds());
        assertFalse(settings.requireRedisAtStart());
        assertFalse(settings.metricsEnabled());
        assertSame(SESSIONS, settings.sessions());
    }

    @Test
    void read_blankValues_defaults() {
        assertEquals(AppSettings.read(name -> null, SESSIONS), AppSettings.read(name -> "  ", SESSIONS));
    }

    @Test
    void read_ownSettings_read() {
        Map<String, String> values = Map.of(
                AppSettings.VISIT_TTL_SECONDS, "1",
                AppSettings.REDIS_REQUIRED_AT_START, "true",
                AppSettings.METRICS_ENABLED, " TRUE ");

        AppSettings settings = AppSettings.read(values::get, SESSIONS);

        assertEquals(1, settings.visitTtlSeconds());
        assertTrue(settings.requireRedisAtStart());
        assertTrue(settings.metricsEnabled());
    }

    @ParameterizedTest
    @CsvSource({"yes", "1", "on", "truee"})
    void read_badMetricsEnabled_illegalArgumentNamingTheSetting(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.METRICS_ENABLED, value)::get, SESSIONS));
        assertEquals("METRICS_ENABLED must be 'true' or 'false', not '" + value + "'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"abc", "0", "-5", "1.5", "99999999999"})
    void read_badVisitTtl_illegalArgumentNamingTheSetting(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.VISIT_TTL_SECONDS, value)::get, SESSIONS));
        assertEquals("VISIT_TTL_SECONDS must be a whole number of at least 1, not '" + value + "'", e.getMessage());
    }
}
