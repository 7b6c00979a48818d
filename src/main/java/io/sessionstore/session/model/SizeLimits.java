package io.sessionstore.session.model;

/**
 * How large session data may be, counted in bytes as the store keeps them: a value's encoding (one type byte plus
 * UTF-8 text for strings and numbers, Java serialisation for the rest). A value over a limit is refused when it is
 * set ({@code HttpSession.setAttribute} throws {@link SessionTooLargeException}), so it never reaches Redis, where a
 * value of tens of megabytes would take longer to write than the Redis timeout allows and fail every request of its
 * session.
 *
 * <p>The attribute limit also bounds what is read back: the deserialisation filter refuses a stream longer than it,
 * and arrays and object graphs of more elements than it has bytes (each element takes at least one byte), so a
 * value that could be set can always be read. Lowering the limit makes stored values above it unreadable; their
 * sessions are dropped when next loaded.
 *
 * @param maxAttributeBytes the largest value of one attribute, 1 KiB to 512 MiB (Redis's default
 *                          {@code proto-max-bulk-len}); setting {@value #MAX_ATTRIBUTE_BYTES_SETTING}
 * @param maxSessionBytes   the most all attribute values of one session may take together, at least
 *                          {@code maxAttributeBytes} and at most 512 MiB; setting {@value #MAX_SESSION_BYTES_SETTING}
 */
public record SizeLimits(int maxAttributeBytes, int maxSessionBytes) {

    /** The setting of {@link #maxAttributeBytes}, named in the message of a refused value. */
    public static final String MAX_ATTRIBUTE_BYTES_SETTING = "SESSION_MAX_ATTRIBUTE_BYTES";
    /** The setting of {@link #maxSessionBytes}, named in the message of a refused value. */
    public static final String MAX_SESSION_BYTES_SETTING = "SESSION_MAX_BYTES";
    /** 1 MiB per attribute, 4 MiB per session: a session loads in about a millisecond on a local network. */
    public static final SizeLimits DEFAULT = new SizeLimits(1 << 20, 4 << 20);

    private static final int MIN_BYTES = 1024;
    private static final int MAX_BYTES = 512 << 20;

    /** @throws IllegalArgumentException naming the value and the allowed range when one is out of it */
    public SizeLimits {
        if (maxAttributeBytes < MIN_BYTES || maxAttributeBytes > MAX_BYTES) {
            throw new IllegalArgumentException("the largest attribute value must be between " + MIN_BYTES + " and "
                    + MAX_BYTES + " bytes, not " + maxAttributeBytes);
        }
        if (maxSessionBytes < maxAttributeBytes || maxSessionBytes > MAX_BYTES) {
            throw new IllegalArgumentException("the most a session may hold must be between the largest attribute "
                    + "value (" + MAX_ATTRIBUTE_BYTES_SETTING + ", " + maxAttributeBytes + ") and " + MAX_BYTES
                    + " bytes, not " + maxSessionBytes);
        }
    }

    /** The refusal of a value of attribute {@code name} that takes {@code bytes} or more. */
    SessionTooLargeException attributeTooLarge(String name, long bytes) {
        return new SessionTooLargeException("Session attribute '" + name + "' takes " + bytes + " bytes or more, "
                + "over the limit of " + maxAttributeBytes + " bytes per attribute; store less in the session, or "
                + "raise the limit with " + MAX_ATTRIBUTE_BYTES_SETTING);
    }

    /** The refusal of attribute {@code name} that would bring its session to {@code bytes}. */
    SessionTooLargeException sessionTooLarge(String name, long bytes) {
        return new SessionTooLargeException("Session attribute '" + name + "' would bring its session to " + bytes
                + " bytes, over the limit of " + maxSessionBytes + " bytes per session; store less in the session, "
                + "or raise the limit with " + MAX_SESSION_BYTES_SETTING);
    }
}
