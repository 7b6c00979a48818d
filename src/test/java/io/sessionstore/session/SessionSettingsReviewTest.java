package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Review findings: settings that {@link SessionSettings#read} should refuse with one line naming the setting, and
 * passwords that must never appear in a message or a string form. Each test fails on the reviewed code.
 */
class SessionSettingsReviewTest {

    private static final String PASSWORD = "s3cretPw";

    @Test
    void read_refusedRedisUrlWithAPassword_messageLeavesThePasswordOut() {
        // The URL is refused (bad port) and masked by RedisSettings, but SettingReader then appends the raw value.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionSettings.read(only(SessionSettings.REDIS_URL, "redis://:" + PASSWORD + "@host:notaport")));
        assertFalse(e.getMessage().contains(PASSWORD), "'" + e.getMessage() + "' shows the password");
    }

    @Test
    void toString_ofSettingsWithAPassword_leavesThePasswordOut() {
        SessionSettings settings = SessionSettings.builder().redisUrl("redis://user:" + PASSWORD + "@host:6379").build();
        assertFalse(settings.toString().contains(PASSWORD), "'" + settings + "' shows the password");
        assertFalse(settings.redis().toString().contains(PASSWORD), "'" + settings.redis() + "' shows the password");
    }

    @Test
    void read_redisTimeoutBeyondAnInt_refusedNamingTheSetting() {
        // Accepted today; RedisConnection casts it to int: 3000000000 ms becomes -1294967296 and every command
        // fails, 4294967396 ms silently becomes 100 ms.
        assertReadRefused(SessionSettings.REDIS_TIMEOUT_MS, "3000000000");
        assertReadRefused(SessionSettings.REDIS_TIMEOUT_MS, "4294967396");
    }

    @Test
    void read_hugeSeconds_refusedNamingTheSettingNotArithmeticException() {
        assertReadRefused(SessionSettings.SESSION_TIMEOUT_SECONDS, "9300000000000000");
        assertReadRefused(SessionSettings.SESSION_NEAR_CACHE_MAX_AGE_SECONDS, "9300000000000000");
    }

    @Test
    void read_redisUrlWithANonNumericDatabase_refusedNamingTheSetting() {
        // Accepted today; SessionFilter.init then fails with a bare NumberFormatException: For input string: "abc".
        assertReadRefused(SessionSettings.REDIS_URL, "redis://127.0.0.1:6379/abc");
    }

    @Test
    void read_allowedClassesThatObjectInputFilterRefuses_refusedNamingTheSetting() {
        // Accepted today; SessionFilter.init then fails with a bare NumberFormatException from createFilter.
        assertReadRefused(SessionSettings.SESSION_ALLOWED_CLASSES, "com.example.*;maxdepth=abc");
    }

    private static UnaryOperator<String> only(String name, String value) {
        return key -> key.equals(name) ? value : null;
    }

    private static void assertReadRefused(String name, String value) {
        Throwable e = assertThrows(Throwable.class, () -> SessionSettings.read(only(name, value)),
                name + "=" + value + " was accepted");
        assertTrue(e instanceof IllegalArgumentException && e.getMessage().startsWith(name + ": "),
                name + "=" + value + ": " + e + " does not name the setting");
    }
}
