package io.sessionstore.session.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.store.UnreadableSessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributeCodecTest {

    /** A serialisable class outside the default allow-list that counts how often it is deserialised. */
    static final class Tracked implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger DESERIALISED = new AtomicInteger();
        final String label;

        Tracked(String label) {
            this.label = label;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            DESERIALISED.incrementAndGet();
        }
    }

    private final ClassLoader loader = AttributeCodecTest.class.getClassLoader();
    private final AttributeCodec codec = new AttributeCodec("", loader, SizeLimits.DEFAULT);

    @BeforeEach
    void resetCounter() {
        Tracked.DESERIALISED.set(0);
    }

    @Test
    void encodeDecode_simpleValues_roundTripWithTheirType() {
        assertEquals("héllo wörld", roundTrip("héllo wörld"));
        assertEquals("", roundTrip(""));
        assertEquals(Integer.valueOf(-42), roundTrip(-42));
        assertEquals(Long.valueOf(Long.MAX_VALUE), roundTrip(Long.MAX_VALUE));
        assertEquals(Boolean.TRUE, roundTrip(true));
        assertEquals(Boolean.FALSE, roundTrip(false));
    }

    @Test
    void encodeReadable_classOutsideAllowList_illegalArgumentNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeReadable("cart", new Tracked("x")));
        assertTrue(e.getMessage().contains("'cart'"), e.getMessage());
        assertTrue(e.getMessage().contains("SESSION_ALLOWED_CLASSES"), e.getMessage());
        assertEquals(0, Tracked.DESERIALISED.get(), "the check creates no instance of a refused class");
    }

    @Test
    void encodeReadable_classOutsideAllowList_messageGivesTheSettingAndTheValueThatAllowsIt() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeReadable("cart", new Tracked("x")));
        assertTrue(plain.getMessage().contains("SESSION_ALLOWED_CLASSES=" + Tracked.class.getName()),
                plain.getMessage());

        AttributeCodec withList = new AttributeCodec("com.example.cart.*", loader, SizeLimits.DEFAULT);
        IllegalArgumentException extended = assertThrows(IllegalArgumentException.class,
                () -> withList.encodeReadable("cart", new Tracked("x")));
        assertTrue(extended.getMessage().contains(
                "SESSION_ALLOWED_CLASSES=com.example.cart.*;" + Tracked.class.getName()), extended.getMessage());
    }

    @Test
    void decode_applicationClassFromWebInfClasses_allowedWithoutListing(@TempDir Path webapp) throws Exception {
        // The application's own class, as Tomcat's class loader finds it in WEB-INF/classes.
        String resource = Tracked.class.getName().replace('.', '/') + ".class";
        Path classes = webapp.resolve("WEB-INF/classes");
        Path target = classes.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = loader.getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        try (URLClassLoader application = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = application.loadClass(Tracked.class.getName());
            java.lang.reflect.Constructor<?> make = type.getDeclaredConstructor(String.class);
            make.setAccessible(true);
            Object value = make.newInstance("mine");
            AttributeCodec applicationCodec = new AttributeCodec("", application, SizeLimits.DEFAULT);

            Object read = applicationCodec.decode("t", applicationCodec.encodeReadable("t", value));

            assertEquals(type, read.getClass());
            assertThrows(UnreadableSessionException.class, () -> codec.decode("t", applicationCodec.encode("t", value)),
                    "the same class from elsewhere than WEB-INF/classes still needs listing");
        }
    }

    @Test
    void encodeReadable_allowedValues_sameBytesAsEncode() {
        AttributeCodec allowing = new AttributeCodec(Tracked.class.getName(), loader, SizeLimits.DEFAULT);
        java.util.ArrayList<Integer> list = new java.util.ArrayList<>(java.util.List.of(1, 2));
        assertArrayEquals(codec.encode("list", list), codec.encodeReadable("list", list));
        assertArrayEquals(codec.encode("email", "a@b.c"), codec.encodeReadable("email", "a@b.c"));
        assertArrayEquals(allowing.encode("t", new Tracked("y")), allowing.encodeReadable("t", new Tracked("y")));
    }

    @Test
    void encode_string_isTypeBytePlusUtf8() {
        assertArrayEquals("Sa@b.c".getBytes(StandardCharsets.UTF_8), codec.encode("email", "a@b.c"));
    }

    @Test
    void encodeDecode_collections_roundTripEqual() {
        ArrayList<Integer> list = new ArrayList<>(List.of(1, 2, 3));
        HashMap<String, Object> map = new HashMap<>(Map.of("k", 1L, "list", list, "s", "v"));
        Object listBack = roundTrip(list);
        assertInstanceOf(ArrayList.class, listBack);
        assertEquals(List.of(1, 2, 3), listBack);
        Object mapBack = roundTrip(map);
        assertInstanceOf(HashMap.class, mapBack);
        assertEquals(map, mapBack);
    }

    @Test
    void encode_notSerializable_illegalArgumentNamingTheAttribute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode("cart", new Object()));
        assertTrue(e.getMessage().contains("'cart'"), e.getMessage());
    }

    @Test
    void encode_serializableHoldingNotSerializable_illegalArgumentNamingTheAttribute() {
        ArrayList<Object> list = new ArrayList<>(List.of(new Object()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode("items", list));
        assertTrue(e.getMessage().contains("'items'"), e.getMessage());
    }

    /** A second refused class, holding the first: a graph of two classes outside the allow-list. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final Tracked[] tracked = {new Tracked("inner")};
    }

    @Test
    void encodeReadable_graphOfSeveralRefusedClasses_messageNamesThemAllInOneValue() {
        AttributeCodec withList = new AttributeCodec("com.example.*", loader, SizeLimits.DEFAULT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withList.encodeReadable("holder", new ArrayList<>(List.of(new Holder()))));
        assertTrue(e.getMessage().contains("classes " + Holder.class.getName() + ", " + Tracked.class.getName()
                + " are not allowed; allow them with SESSION_ALLOWED_CLASSES=com.example.*;" + Holder.class.getName()
                + ";" + Tracked.class.getName()), e.getMessage());
        AttributeCodec allowingBoth = new AttributeCodec(Holder.class.getName() + ";" + Tracked.class.getName(), loader, SizeLimits.DEFAULT);
        allowingBoth.encodeReadable("holder", new ArrayList<>(List.of(new Holder())));
    }

    @Test
    void decode_beyondTheDepthLimit_messageNamesTheLimit() {
        List<Object> deep = new ArrayList<>();
        List<Object> current = deep;
        for (int i = 0; i < 40; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        byte[] bytes = codec.encode("deep", deep);
        UnreadableSessionException e = assertThrows(UnreadableSessionException.class, () -> codec.decode("deep", bytes));
        assertTrue(e.getMessage().contains("limit of deserialisation (depth 33 > 32)"), e.getMessage());
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeReadable("deep", deep));
        assertTrue(set.getMessage().contains("depth 33 > 32"), set.getMessage());
    }

    @Test
    void encodeReadable_manyElementsWithinTheByteLimit_storedAndReadBack() {
        byte[] bytes = new byte[500_000];
        bytes[499_999] = 7;
        assertArrayEquals(bytes, (byte[]) codec.decode("bytes", codec.encodeReadable("bytes", bytes)));
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) {
            list.add(i % 100);
        }
        assertEquals(list, codec.decode("list", codec.encodeReadable("list", new ArrayList<>(list))));
    }

    @Test
    void encodeReadable_stringOverTheAttributeLimit_refusedNamingTheLimitAndTheSetting() {
        String big = "x".repeat(60 << 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeReadable("report", big));
        assertEquals("Session attribute 'report' takes 62914561 bytes or more, over the limit of 1048576 bytes per "
                + "attribute; store less in the session, or raise the limit with SESSION_MAX_ATTRIBUTE_BYTES",
                e.getMessage());
        String multiByte = "é".repeat(600_000);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> codec.encode("name", multiByte)).getMessage()
                .contains("takes 1200001 bytes or more"));
    }

    @Test
    void encodeReadable_serializableOverTheAttributeLimit_refusedWithoutSerialisingItWhole() {
        byte[] big = new byte[60 << 20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeReadable("upload", new ArrayList<>(List.of(big))));
        assertTrue(e.getMessage().startsWith("Session attribute 'upload' takes "), e.getMessage());
        assertTrue(e.getMessage().contains("over the limit of 1048576 bytes per attribute; store less in the "
                + "session, or raise the limit with SESSION_MAX_ATTRIBUTE_BYTES"), e.getMessage());
        AttributeCodec raised = new AttributeCodec("", loader, new SizeLimits(64 << 20, 64 << 20));
        assertEquals(1, ((List<?>) raised.decode("upload", raised.encodeReadable("upload",
                new ArrayList<>(List.of(big))))).size());
    }

    @Test
    void decode_streamLongerThanALoweredLimit_refusedNamingTheSetting() {
        byte[] stored = codec.encode("bytes", new byte[500_000]);
        AttributeCodec lowered = new AttributeCodec("", loader, new SizeLimits(100_000, 100_000));
        UnreadableSessionException e = assertThrows(UnreadableSessionException.class,
                () -> lowered.decode("bytes", stored));
        assertTrue(e.getMessage().contains("array length 500000 > 100000 (SESSION_MAX_ATTRIBUTE_BYTES)"),
                e.getMessage());
    }

    @Test
    void decode_classNotAllowed_refusedBeforeAnyInstanceIsCreated() {
        byte[] bytes = codec.encode("t", new Tracked("x"));
        UnreadableSessionException e = assertThrows(UnreadableSessionException.class, () -> codec.decode("t", bytes));
        assertTrue(e.getMessage().contains("'t'"), e.getMessage());
        assertEquals(0, Tracked.DESERIALISED.get());
    }

    @Test
    void decode_notAllowedClassInsideAllowedList_refusedBeforeAnyInstanceIsCreated() {
        byte[] bytes = codec.encode("list", new ArrayList<>(List.of(new Tracked("x"))));
        assertThrows(UnreadableSessionException.class, () -> codec.decode("list", bytes));
        assertEquals(0, Tracked.DESERIALISED.get());
    }

    @Test
    void decode_classAllowedByExtraPattern_readsBack() {
        AttributeCodec allowing = new AttributeCodec(Tracked.class.getName(), loader, SizeLimits.DEFAULT);
        Object back = allowing.decode("t", allowing.encode("t", new Tracked("label-1")));
        assertEquals("label-1", assertInstanceOf(Tracked.class, back).label);
        assertEquals(1, Tracked.DESERIALISED.get());
    }

    @Test
    void decode_corruptSerialisedBytes_unreadable() {
        byte[] good = codec.encode("m", new HashMap<>(Map.of("a", 1)));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThrows(UnreadableSessionException.class, () -> codec.decode("m", truncated));
        assertThrows(UnreadableSessionException.class, () -> codec.decode("m", "Jnot java".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void decode_unknownTagEmptyOrBadNumber_unreadable() {
        assertThrows(UnreadableSessionException.class, () -> codec.decode("x", "Xabc".getBytes(StandardCharsets.UTF_8)));
        assertThrows(UnreadableSessionException.class, () -> codec.decode("x", new byte[0]));
        assertThrows(UnreadableSessionException.class, () -> codec.decode("x", "Iabc".getBytes(StandardCharsets.UTF_8)));
        assertThrows(UnreadableSessionException.class, () -> codec.decode("x", "L".getBytes(StandardCharsets.UTF_8)));
    }

    private Object roundTrip(Object value) {
        return codec.decode("name", codec.encode("name", value));
    }
}
