package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.SessionSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppSettingsTest {

    @Test
    void read_nothingSet_defaults() {
        AppSettings settings = AppSettings.read(name -> null);

        assertEquals("redis", settings.sessionStore());
        assertTrue(settings.redisSessions());
        assertEquals(30, settings.visitTtlSeconds());
        assertFalse(settings.requireRedisAtStart());
        assertEquals(SessionSettings.builder().build(), settings.sessions());
    }

    @Test
    void read_blankValues_defaults() {
        assertEquals(AppSettings.read(name -> null), AppSettings.read(name -> "  "));
    }

    @Test
    void read_ownAndSessionSettings_bothRead() {
        Map<String, String> values = Map.of(
                AppSettings.SESSION_STORE, " Container ",
                AppSettings.VISIT_TTL_SECONDS, "1",
                AppSettings.REDIS_REQUIRED_AT_START, "true",
                SessionSettings.KEY_PREFIX, "shop:");

        AppSettings settings = AppSettings.read(values::get);

        assertEquals("container", settings.sessionStore());
        assertFalse(settings.redisSessions());
        assertEquals(1, settings.visitTtlSeconds());
        assertTrue(settings.requireRedisAtStart());
        assertEquals("shop:", settings.sessions().keyPrefix());
    }

    @ParameterizedTest
    @CsvSource({"abc", "0", "-5", "1.5", "99999999999"})
    void read_badVisitTtl_illegalArgumentNamingTheSetting(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.VISIT_TTL_SECONDS, value)::get));
        assertEquals("VISIT_TTL_SECONDS must be a whole number of at least 1, not '" + value + "'", e.getMessage());
    }

    @Test
    void read_unknownSessionStore_illegalArgumentNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.SESSION_STORE, "memcached")::get));
        assertEquals("SESSION_STORE must be 'redis' or 'container', not 'memcached'", e.getMessage());
    }

    @Test
    void read_badSessionSetting_illegalArgumentNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(SessionSettings.SESSION_TIMEOUT_SECONDS, "0")::get));
        assertTrue(e.getMessage().startsWith("SESSION_TIMEOUT_SECONDS: "), e.getMessage());
    }
}
