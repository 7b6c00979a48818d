package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SessionIdsTest {

    private final SessionIds ids = new SessionIds();

    @Test
    void next_always_is22UrlSafeCharactersEncoding128Bits() {
        for (int i = 0; i < 1000; i++) {
            String id = ids.next();
            assertEquals(22, id.length(), id);
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), "not base64url: " + id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
            assertTrue(SessionIds.isWellFormed(id), id);
        }
    }

    @Test
    void next_manyCalls_neverRepeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(ids.next()), "repeated id after " + i + " ids");
        }
    }

    @Test
    void isWellFormed_nullEmptyOrHuge_false() {
        assertFalse(SessionIds.isWellFormed(null));
        assertFalse(SessionIds.isWellFormed(""));
        assertFalse(SessionIds.isWellFormed("a".repeat(8192)));
    }

    static Stream<String> malformedIds() {
        String a21 = "A".repeat(21);
        return Stream.of(
                a21,                          // too short
                a21 + "AA",                   // too long
                a21 + "\u00e9",               // non-ASCII
                a21 + "\u0000",
                a21 + "+", a21 + "/", a21 + "=", // standard base64, not base64url
                "../../" + "A".repeat(16),
                a21 + "*", a21 + "{", a21 + "}", a21 + ":",
                "A".repeat(10) + " " + "A".repeat(11),
                " " + a21,
                a21 + "A\n");
    }

    @ParameterizedTest
    @MethodSource("malformedIds")
    void isWellFormed_wrongLengthOrAlphabet_false(String id) {
        assertFalse(SessionIds.isWellFormed(id), "accepted: '" + id + "'");
    }

    @Test
    void isWellFormed_22UrlSafeCharacters_true() {
        assertTrue(SessionIds.isWellFormed("AZaz09_-AZaz09_-AZaz09"));
    }
}
