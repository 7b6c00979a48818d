package io.sessionstore.session.model;

import io.sessionstore.session.store.UnreadableSessionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Turns attribute values into the bytes a store keeps, and back. Thread-safe and stateless after construction.
 *
 * <p>Strings, integers, longs and booleans are stored as one type byte plus their text, so the common case costs
 * no Java serialisation overhead in Redis memory or CPU. Any other {@link Serializable} value is stored with Java
 * serialisation and read back through an {@link ObjectInputFilter}: the JDK's value and collection types, the
 * application's own classes and the patterns an operator adds (see {@link AllowList}); a stream naming any other
 * class is refused before an instance of it is created.
 */
public final class AttributeCodec {

    /** The setting that extends the allow-list, named in the message of a refused value. */
    private static final String ALLOWED_CLASSES_SETTING = "SESSION_ALLOWED_CLASSES";

    private static final byte STRING = 'S';
    private static final byte INTEGER = 'I';
    private static final byte LONG = 'L';
    private static final byte BOOLEAN = 'B';
    private static final byte SERIALIZED = 'J';

    private final AllowList allowList;
    private final String extraAllowed;
    private final ClassLoader classLoader;
    private final SizeLimits limits;

    /**
     * @param extraAllowed further patterns in {@link ObjectInputFilter.Config#createFilter} syntax, separated by
     *                     {@code ;} (for example {@code com.example.cart.*}); may be empty
     * @param classLoader  the web application's class loader, which resolves the application's own classes
     * @param limits       how large a value, and a session, may be
     */
    public AttributeCodec(String extraAllowed, ClassLoader classLoader, SizeLimits limits) {
        this.allowList = new AllowList(extraAllowed, classLoader, limits.maxAttributeBytes());
        this.extraAllowed = extraAllowed == null ? "" : extraAllowed.strip();
        this.classLoader = classLoader;
        this.limits = limits;
    }

    /** How large a value, and a session, may be. */
    public SizeLimits limits() {
        return limits;
    }

    /**
     * Whether a value cannot change once made, so that it need not be encoded again to find a change in place:
     * strings, boxed primitives, enums, {@code BigInteger}, {@code BigDecimal}, {@code UUID} and {@code java.time}
     * values.
     */
    public static boolean isImmutable(Object value) {
        Class<?> type = value.getClass();
        return value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Enum<?> || type == Integer.class || type == Long.class || type == Short.class
                || type == Byte.class || type == Double.class || type == Float.class || type == BigInteger.class
                || type == BigDecimal.class || type == UUID.class || type.getName().startsWith("java.time.");
    }

    /**
     * @throws IllegalArgumentException when the value cannot be stored: not serializable, or larger than
     *                                  {@link SizeLimits#maxAttributeBytes()}
     */
    public byte[] encode(String name, Object value) {
        return encode(name, value, null);
    }

    /** @param recorded where the classes of a serialised value's graph go, or null */
    private byte[] encode(String name, Object value, ClassRecordingStream.Recorded recorded) {
        if (value instanceof String s) {
            if (s.length() >= limits.maxAttributeBytes()) {
                // Refused before encoding: each character takes at least one byte, and the type byte one more.
                throw limits.attributeTooLarge(name, s.length() + 1L);
            }
            byte[] bytes = tagged(STRING, s);
            if (bytes.length > limits.maxAttributeBytes()) {
                throw limits.attributeTooLarge(name, bytes.length);
            }
            return bytes;
        }
        if (value instanceof Integer i) {
            return tagged(INTEGER, i.toString());
        }
        if (value instanceof Long l) {
            return tagged(LONG, l.toString());
        }
        if (value instanceof Boolean b) {
            return tagged(BOOLEAN, b ? "1" : "0");
        }
        if (!(value instanceof Serializable)) {
            throw notStorable(name, value, null);
        }
        BoundedBytes bytes = new BoundedBytes(limits.maxAttributeBytes());
        try {
            bytes.write(SERIALIZED);
            try (ObjectOutputStream out = recorded == null ? new ObjectOutputStream(bytes)
                    : new ClassRecordingStream(bytes, recorded)) {
                out.writeObject(value);
            }
        } catch (NotSerializableException e) {
            throw notStorable(name, value, e);
        } catch (BoundedBytes.Full e) {
            throw limits.attributeTooLarge(name, e.bytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("Session attribute '" + name + "' could not be serialised", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Encodes a value and makes sure it would read back, so a value of a class outside the allow-list is refused
     * when it is set rather than losing the whole session on the next request.
     *
     * @throws IllegalArgumentException when the value cannot be stored (not serializable, or larger than
     *                                  {@link SizeLimits#maxAttributeBytes()}) or would not be read back; the
     *                                  message names the setting and the value that would allow it
     */
    public byte[] encodeReadable(String name, Object value) {
        ClassRecordingStream.Recorded recorded = new ClassRecordingStream.Recorded();
        byte[] bytes = encode(name, value, recorded);
        if (bytes[0] == SERIALIZED) {
            List<String> refused = allowList.refused(recorded.classes());
            if (!refused.isEmpty()) {
                throw new IllegalArgumentException("Session attribute '" + name + "' of "
                        + value.getClass().getName() + " would not be read back: " + (refused.size() == 1
                        ? "class " + refused.get(0) + " is not allowed; allow it with "
                        : "classes " + String.join(", ", refused) + " are not allowed; allow them with ")
                        + allowing(refused));
            }
            try {
                decode(name, bytes);
            } catch (UnreadableSessionException e) {
                throw new IllegalArgumentException("Session attribute '" + name + "' of " + value.getClass().getName()
                        + " would not be read back: " + e.getMessage(), e);
            }
        }
        return bytes;
    }

    /** @throws UnreadableSessionException when the bytes are corrupt or name a class that is gone or not allowed */
    public Object decode(String name, byte[] bytes) {
        if (bytes.length == 0) {
            throw new UnreadableSessionException("attribute '" + name + "' is empty");
        }
        String text = new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
        try {
            return switch (bytes[0]) {
                case STRING -> text;
                case INTEGER -> Integer.valueOf(text);
                case LONG -> Long.valueOf(text);
                case BOOLEAN -> "1".equals(text);
                case SERIALIZED -> deserialize(name, bytes);
                default -> throw new UnreadableSessionException("attribute '" + name + "' has an unknown type");
            };
        } catch (NumberFormatException e) {
            throw new UnreadableSessionException("attribute '" + name + "' is not a number", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new UnreadableSessionException("attribute '" + name + "' cannot be read: " + e, e);
        }
    }

    private Object deserialize(String name, byte[] bytes) throws IOException, ClassNotFoundException {
        AllowList.Check check = allowList.newCheck();
        try (ObjectInputStream in = new AppObjectInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            in.setObjectInputFilter(check);
            return in.readObject();
        } catch (InvalidClassException e) {
            if (check.refusedClass() != null) {
                throw new UnreadableSessionException("attribute '" + name + "' was refused: class "
                        + check.refusedClass() + " is not allowed; allow it with "
                        + allowing(List.of(check.refusedClass())), e);
            }
            if (check.exceededLimit() != null) {
                throw new UnreadableSessionException("attribute '" + name + "' was refused: it goes beyond a "
                        + "limit of deserialisation (" + check.exceededLimit() + "); store a smaller value", e);
            }
            throw new UnreadableSessionException("attribute '" + name + "' was refused: " + e.getMessage(), e);
        }
    }

    /** The setting, with its present value, that would allow {@code classes}. */
    private String allowing(List<String> classes) {
        return ALLOWED_CLASSES_SETTING + "=" + (extraAllowed.isEmpty() ? "" : extraAllowed + ";")
                + String.join(";", classes);
    }

    private static byte[] tagged(byte tag, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[utf8.length + 1];
        bytes[0] = tag;
        System.arraycopy(utf8, 0, bytes, 1, utf8.length);
        return bytes;
    }

    private static IllegalArgumentException notStorable(String name, Object value, Exception cause) {
        return new IllegalArgumentException("Session attribute '" + name + "' of " + value.getClass().getName()
                + " cannot be stored: it is not Serializable", cause);
    }

    /**
     * The bytes of a serialised value, refusing to grow past the limit: a value of tens of megabytes stops being
     * serialised at the limit instead of being copied whole first.
     */
    private static final class BoundedBytes extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        BoundedBytes(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws Full {
            requireRoom(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws Full {
            requireRoom(len);
            bytes.write(b, off, len);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private void requireRoom(int more) throws Full {
            if ((long) bytes.size() + more > limit) {
                throw new Full((long) bytes.size() + more);
            }
        }

        /** The value has more bytes than the limit; how many is known only up to where it stopped. */
        static final class Full extends IOException {
            private final long bytes;

            Full(long bytes) {
                super("over " + bytes + " bytes");
                this.bytes = bytes;
            }

            long bytes() {
                return bytes;
            }
        }
    }

    /** Resolves classes with the web application's class loader rather than this library's. */
    private final class AppObjectInputStream extends ObjectInputStream {
        AppObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, classLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
