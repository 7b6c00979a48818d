package io.sessionstore.app;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An email address as the login form accepts it: trimmed, lower-cased, at most 254 characters, one {@code @},
 * a local part of RFC 5322 "atext" characters and dots, and a domain of at least two DNS labels. Only printable
 * ASCII is accepted: that keeps out spaces, control characters, markup and look-alike Unicode letters.
 */
public final class EmailAddress {

    public static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL_LENGTH = 64;
    private static final Pattern LOCAL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private EmailAddress() {
    }

    /** The address as stored: trimmed and lower-cased. */
    public static String normalize(String raw) {
        return raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    }

    /** @return null when {@code email} (normalised) is valid, else a message for the person who typed it */
    public static String problem(String email) {
        if (email.isEmpty()) {
            return "Enter your email address.";
        }
        if (email.length() > MAX_LENGTH) {
            return "That email address is too long (at most " + MAX_LENGTH + " characters).";
        }
        for (int i = 0; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return "An email address cannot contain spaces, control characters or non-ASCII letters.";
            }
        }
        int at = email.indexOf('@');
        if (at < 0 || at != email.lastIndexOf('@')) {
            return "An email address has exactly one @, as in name@example.com.";
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.isEmpty() || local.length() > MAX_LOCAL_LENGTH || !LOCAL.matcher(local).matches()) {
            return "The part before the @ is not valid.";
        }
        if (!DOMAIN.matcher(domain).matches()) {
            return "The part after the @ must be a domain such as example.com.";
        }
        return null;
    }
}
