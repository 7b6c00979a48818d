package io.sessionstore.session.model;

import java.io.ObjectInputFilter;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which classes attribute values may deserialise to: the JDK's value and collection types, the patterns an operator
 * adds, and the application's own classes (those its class loader finds in its {@code WEB-INF/classes}), within
 * limits of depth and size: the stream's bytes, and its references and array lengths, at most one per byte. Classes of libraries, the application's {@code WEB-INF/lib} included, need
 * listing: they are where deserialisation gadgets live. A refused class is refused before an instance is created.
 * Immutable and thread-safe; {@link #newCheck()} makes the filter of one stream.
 */
final class AllowList {

    /** Patterns always allowed: the JDK's value and collection types. */
    static final String DEFAULT_ALLOWED = "java.lang.*;java.util.*;java.time.*;java.math.*";
    /** Nesting deeper than this is refused: each level costs stack while reading. */
    private static final long MAX_DEPTH = 32;
    private static final String APPLICATION_CLASSES = "/WEB-INF/classes/";

    private final ObjectInputFilter patterns;
    private final ClassLoader applicationLoader;
    private final long maxBytes;

    /**
     * @param extraAllowed      {@link ObjectInputFilter.Config#createFilter} patterns separated by {@code ;}, or empty
     * @param applicationLoader the web application's class loader
     * @param maxBytes          the longest stream; also the most references and the longest array, since each
     *                          takes at least a byte of it
     */
    AllowList(String extraAllowed, ClassLoader applicationLoader, long maxBytes) {
        String allowed = extraAllowed == null || extraAllowed.isBlank()
                ? DEFAULT_ALLOWED : DEFAULT_ALLOWED + ";" + extraAllowed.strip();
        String limits = "maxdepth=" + MAX_DEPTH + ";maxrefs=" + maxBytes + ";maxbytes=" + maxBytes + ";maxarray="
                + maxBytes;
        this.patterns = ObjectInputFilter.Config.createFilter(limits + ";" + allowed);
        this.applicationLoader = applicationLoader;
        this.maxBytes = maxBytes;
    }

    /** The filter of one stream: it remembers what it refused, for the message. */
    Check newCheck() {
        return new Check();
    }

    /** The names of the classes among {@code types} that would be refused, in order, without repeats. */
    List<String> refused(Collection<Class<?>> types) {
        List<String> names = new ArrayList<>();
        for (Class<?> type : types) {
            if (!allows(type) && !names.contains(elementType(type).getName())) {
                names.add(elementType(type).getName());
            }
        }
        return names;
    }

    final class Check implements ObjectInputFilter {
        private String refusedClass;
        private String exceededLimit;

        @Override
        public Status checkInput(FilterInfo info) {
            if (patterns.checkInput(info) == Status.REJECTED) {
                exceededLimit = exceeded(info);
                return Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type == null || allows(type)) {
                return Status.ALLOWED; // null: a limit check, which the patterns passed
            }
            if (refusedClass == null) {
                refusedClass = elementType(type).getName();
            }
            return Status.REJECTED;
        }

        /** The first class refused, or null; the stream stops at it, so later ones are not known. */
        String refusedClass() {
            return refusedClass;
        }

        /** The limit the stream went beyond ({@code "depth 33 > 32"}), or null. */
        String exceededLimit() {
            return exceededLimit;
        }
    }

    private boolean allows(Class<?> type) {
        Class<?> element = elementType(type);
        return element.isPrimitive() || isApplicationClass(element)
                || patterns.checkInput(new ClassOnly(type)) == ObjectInputFilter.Status.ALLOWED;
    }

    private static Class<?> elementType(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        return element;
    }

    private String exceeded(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return "depth " + info.depth() + " > " + MAX_DEPTH;
        }
        String setting = " (" + SizeLimits.MAX_ATTRIBUTE_BYTES_SETTING + ")";
        if (info.references() > maxBytes) {
            return "references " + info.references() + " > " + maxBytes + setting;
        }
        if (info.streamBytes() > maxBytes) {
            return "bytes " + info.streamBytes() + " > " + maxBytes + setting;
        }
        return "array length " + info.arrayLength() + " > " + maxBytes + setting;
    }

    /** A class alone, as a stream would name it, for the patterns. */
    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 0;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }

    private boolean isApplicationClass(Class<?> type) {
        if (type.getClassLoader() != applicationLoader) {
            return false;
        }
        CodeSource source = type.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        return location != null && location.toString().endsWith(APPLICATION_CLASSES);
    }
}
