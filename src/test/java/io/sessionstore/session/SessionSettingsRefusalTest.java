package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Settings that {@link SessionSettings#read} refuses with one line naming the setting (values that would overflow or
 * fail later, at {@code init}, with a bare exception), and passwords that never appear in a message or a string
 * form.
 */
class SessionSettingsRefusalTest {

    private static final String PASSWORD = "s3cretPw";

    @Test
    void read_refusedRedisUrlWithAPassword_messageLeavesThePasswordOut() {
        // Refused for its port; the message shows the URL as it was given, but not its password.
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
        // Redisson takes the timeout as an int: 3000000000 ms would become -1294967296, 4294967396 ms 100 ms.
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
        assertReadRefused(SessionSettings.REDIS_URL, "redis://127.0.0.1:6379/abc");
    }

    @Test
    void read_allowedClassesThatObjectInputFilterRefuses_refusedNamingTheSetting() {
        assertReadRefused(SessionSettings.SESSION_ALLOWED_CLASSES, "com.example.*;maxdepth=abc");
    }

    @Test
    void read_replicaAcksNotAutoNorInRange_refusedNamingTheSetting() {
        assertReadRefused(SessionSettings.SESSION_REPLICA_ACKS, "some");
        assertReadRefused(SessionSettings.SESSION_REPLICA_ACKS, "-1");
        assertReadRefused(SessionSettings.SESSION_REPLICA_ACKS, "17");
        assertEquals(OptionalInt.empty(), SessionSettings.read(only(SessionSettings.SESSION_REPLICA_ACKS, "AUTO"))
                .replicaAcks());
        assertEquals(OptionalInt.of(0), SessionSettings.read(only(SessionSettings.SESSION_REPLICA_ACKS, "0"))
                .replicaAcks());
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
