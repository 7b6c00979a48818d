package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    /** 64 + 1 + 189 = 254 characters, every label at most 63. */
    private static final String LONGEST = "l".repeat(64) + "@" + "a".repeat(63) + "." + "b".repeat(63) + "."
            + "c".repeat(61);

    @ParameterizedTest
    @ValueSource(strings = {"o'brien+tag@example.co.uk", "a@b.co", "first.last@sub.example.org",
            "x!#$%&*/=?^_`{|}~-y@example.com", "user@xn--80ak6aa92e.com"})
    void problem_validAddress_null(String email) {
        assertNull(EmailAddress.problem(email));
    }

    @Test
    void problem_longestAllowedAddress_null() {
        assertEquals(254, LONGEST.length());
        assertNull(EmailAddress.problem(LONGEST));
    }

    @Test
    void normalize_mixedCaseAndSpaces_trimmedAndLowerCased() {
        assertEquals("o'brien+tag@example.co.uk", EmailAddress.normalize("  O'Brien+Tag@Example.CO.UK \t"));
    }

    @Test
    void normalize_null_empty() {
        assertEquals("", EmailAddress.normalize(null));
    }

    @Test
    void problem_empty_asksForAnAddress() {
        assertEquals("Enter your email address.", EmailAddress.problem(""));
    }

    @Test
    void problem_255Characters_tooLong() {
        String email = LONGEST + "c";
        assertEquals(255, email.length());
        assertEquals("That email address is too long (at most 254 characters).", EmailAddress.problem(email));
    }

    @Test
    void problem_localPartOf65Characters_localPartRefused() {
        assertEquals("The part before the @ is not valid.", EmailAddress.problem("a".repeat(65) + "@example.com"));
    }

    @Test
    void problem_localPartOf64Characters_null() {
        assertNull(EmailAddress.problem("a".repeat(64) + "@example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b@example.com", "a\tb@example.com", "a@example.com\r\nbcc: x@evil.com",
            "a\nb@example.com", "a\u0000b@example.com", "\u0430dmin@example.com", "admin@ex\u0430mple.com",
            "caf\u00e9@example.com", "' or 1=1--@x.com", "a@example.com\u007f"})
    void problem_spaceControlOrNonAscii_charactersRefused(String email) {
        assertEquals("An email address cannot contain spaces, control characters or non-ASCII letters.",
                EmailAddress.problem(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a@b@example.com", "@@example.com"})
    void problem_noneOrTwoAts_exactlyOneAtRequired(String email) {
        assertEquals("An email address has exactly one @, as in name@example.com.", EmailAddress.problem(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<script>alert(1)</script>@x.com", "@example.com", ".a@example.com", "a.@example.com",
            "a..b@example.com", "\"quoted\"@example.com", "a(b)@example.com", "a,b@example.com"})
    void problem_badLocalPart_localPartRefused(String email) {
        assertEquals("The part before the @ is not valid.", EmailAddress.problem(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@localhost", "a@", "a@.example.com", "a@example.com.", "a@example..com",
            "a@-example.com", "a@example-.com", "a@exa_mple.com", "a@[127.0.0.1]"})
    void problem_badDomain_domainRefused(String email) {
        assertEquals("The part after the @ must be a domain such as example.com.", EmailAddress.problem(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {" a@b.co", "A@B.CO"})
    void problem_unnormalizedInput_refusedUntilNormalized(String raw) {
        assertNotNull(EmailAddress.problem(raw));
        assertNull(EmailAddress.problem(EmailAddress.normalize(raw)));
    }
}
