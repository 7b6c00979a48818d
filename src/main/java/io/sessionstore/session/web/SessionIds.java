package io.sessionstore.session.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 128 bits from {@link SecureRandom}, base64url without padding (22 characters).
 * An id of any other form is never sent to Redis, so a client cannot make the store look up
 * key names of its own choosing.
 */
final class SessionIds {

    private static final int ID_BYTES = 16;
    private static final int ID_LENGTH = 22;

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    String next() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return encoder.encodeToString(bytes);
    }

    static boolean isWellFormed(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < ID_LENGTH; i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
