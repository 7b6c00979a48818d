package io.sessionstore.session.store;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The session attribute that names a session's principal (the signed-in user), and how its stored value reads as
 * that name: what a store indexes sessions by, for {@link SessionStore#sessionsOf}. Immutable and thread-safe when
 * {@code reader} is.
 *
 * @param name   the attribute's name, as the application sets it
 * @param reader the principal's name in a stored (encoded) value of the attribute; empty when the value names none
 *               (not a string, say). Must not throw
 */
public record PrincipalAttribute(String name, Function<byte[], Optional<String>> reader) {

    public PrincipalAttribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reader, "reader");
    }

    /** The principal named by a session's stored attributes, or empty when it has none. */
    public Optional<String> of(Map<String, byte[]> attributes) {
        byte[] value = attributes.get(name);
        return value == null ? Optional.empty() : reader.apply(value).filter(principal -> !principal.isEmpty());
    }
}
