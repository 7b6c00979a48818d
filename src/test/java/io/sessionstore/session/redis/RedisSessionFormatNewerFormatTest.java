package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessionstore.session.store.SessionStoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hash of a newer format is answered with 503 and left alone, never treated as corrupt and deleted, whatever the
 * newer format does to the other fields: {@code f} is read before any other field.
 */
class RedisSessionFormatNewerFormatTest {

    @Test
    void toRecord_newerFormatWithNonNumericMetadata_unavailableNotUnreadable() {
        RedisSessionFormat format = new RedisSessionFormat("p:", 0, 0);
        List<Object> fields = List.of(b("f"), b("3"), b("c"), b("1700000000000"), b("a"), b("1700000000000"),
                b("t"), b("PT30M"), b("v"), b("1"));

        assertThrows(SessionStoreUnavailableException.class, () -> format.toRecord("AAAAAAAAAAAAAAAAAAAAAA", fields));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
