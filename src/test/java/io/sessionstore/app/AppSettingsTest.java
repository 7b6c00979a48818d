package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppSettingsTest {

    @Test
    void read_nothingSet_defaults() {
        AppSettings settings = AppSettings.read(name -> null);

        assertEquals("redis", settings.sessionStore());
        assertTrue(settings.redisSessions());
        assertEquals("redis://127.0.0.1:6379", settings.redis().url());
        assertNull(settings.redis().configFile());
        assertEquals(800, settings.redis().timeoutMillis());
        assertEquals(1800, settings.sessionTimeoutSeconds());
        assertEquals(30, settings.visitTtlSeconds());
        assertEquals("sessionstore:", settings.keyPrefix());
        assertEquals("", settings.allowedClasses());
        assertFalse(settings.requireRedisAtStart());
    }

    @Test
    void read_blankValues_defaults() {
        AppSettings settings = AppSettings.read(name -> "  ");
        assertEquals(AppSettings.read(name -> null), settings);
    }

    @Test
    void read_everythingSet_overrides(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("redisson.yaml"), "singleServerConfig:\n  address: redis://h:1\n");
        Map<String, String> values = Map.of(
                AppSettings.SESSION_STORE, " Container ",
                AppSettings.REDIS_URL, "redis://redis.example:6380",
                AppSettings.REDISSON_CONFIG, yaml.toString(),
                AppSettings.REDIS_TIMEOUT_MS, "50",
                AppSettings.SESSION_TIMEOUT_SECONDS, "60",
                AppSettings.VISIT_TTL_SECONDS, "1",
                AppSettings.KEY_PREFIX, "shop:",
                AppSettings.SESSION_ALLOWED_CLASSES, "com.example.cart.*",
                AppSettings.REDIS_REQUIRED_AT_START, "true");

        AppSettings settings = AppSettings.read(values::get);

        assertEquals("container", settings.sessionStore());
        assertFalse(settings.redisSessions());
        assertEquals("redis://redis.example:6380", settings.redis().url());
        assertEquals(yaml, settings.redis().configFile());
        assertEquals(50, settings.redis().timeoutMillis());
        assertEquals(60, settings.sessionTimeoutSeconds());
        assertEquals(1, settings.visitTtlSeconds());
        assertEquals("shop:", settings.keyPrefix());
        assertEquals("com.example.cart.*", settings.allowedClasses());
        assertTrue(settings.requireRedisAtStart());
    }

    @ParameterizedTest
    @CsvSource({
            "VISIT_TTL_SECONDS, abc", "VISIT_TTL_SECONDS, 0", "VISIT_TTL_SECONDS, -5", "VISIT_TTL_SECONDS, 1.5",
            "VISIT_TTL_SECONDS, 99999999999", "SESSION_TIMEOUT_SECONDS, 0", "SESSION_TIMEOUT_SECONDS, 30s",
            "REDIS_TIMEOUT_MS, 49", "REDIS_TIMEOUT_MS, ten"})
    void read_badNumber_illegalArgumentNamingTheSetting(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(name, value)::get));
        assertTrue(e.getMessage().startsWith(name + " must be a whole number of at least"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
    }

    @Test
    void read_unknownSessionStore_illegalArgumentNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.SESSION_STORE, "memcached")::get));
        assertEquals("SESSION_STORE must be 'redis' or 'container', not 'memcached'", e.getMessage());
    }

    @Test
    void read_missingRedissonConfig_illegalArgumentNamingTheSetting(@TempDir Path dir) {
        String missing = dir.resolve("nope.yaml").toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.REDISSON_CONFIG, missing)::get));
        assertEquals("REDISSON_CONFIG names no readable file: " + missing, e.getMessage());
    }

    @Test
    void read_redissonConfigIsAFolder_illegalArgumentNamingTheSetting(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppSettings.read(Map.of(AppSettings.REDISSON_CONFIG, dir.toString())::get));
        assertEquals("REDISSON_CONFIG names no readable file: " + dir, e.getMessage());
    }
}
