package io.sessionstore.session.model;

import java.io.ObjectInputFilter;
import java.net.URL;
import java.security.CodeSource;

/**
 * Which classes attribute values may deserialise to: the JDK's value and collection types, the patterns an operator
 * adds, and the application's own classes (those its class loader finds in its {@code WEB-INF/classes}), within
 * limits of depth, references and size. Classes of libraries, the application's {@code WEB-INF/lib} included, need
 * listing: they are where deserialisation gadgets live. A refused class is refused before an instance is created.
 * Immutable and thread-safe; {@link #newCheck()} makes the filter of one stream.
 */
final class AllowList {

    /** Patterns always allowed: the JDK's value and collection types. */
    static final String DEFAULT_ALLOWED = "java.lang.*;java.util.*;java.time.*;java.math.*";
    private static final String LIMITS = "maxdepth=32;maxrefs=100000;maxbytes=1048576;maxarray=100000";
    private static final String APPLICATION_CLASSES = "/WEB-INF/classes/";

    private final ObjectInputFilter patterns;
    private final ClassLoader applicationLoader;

    /**
     * @param extraAllowed      {@link ObjectInputFilter.Config#createFilter} patterns separated by {@code ;}, or empty
     * @param applicationLoader the web application's class loader
     */
    AllowList(String extraAllowed, ClassLoader applicationLoader) {
        String allowed = extraAllowed == null || extraAllowed.isBlank()
                ? DEFAULT_ALLOWED : DEFAULT_ALLOWED + ";" + extraAllowed.strip();
        this.patterns = ObjectInputFilter.Config.createFilter(LIMITS + ";" + allowed);
        this.applicationLoader = applicationLoader;
    }

    /** The filter of one stream: it remembers the first class it refused, for the message. */
    Check newCheck() {
        return new Check();
    }

    final class Check implements ObjectInputFilter {
        private String refused;

        @Override
        public Status checkInput(FilterInfo info) {
            Status status = patterns.checkInput(info);
            if (status != Status.UNDECIDED) {
                return status;
            }
            Class<?> type = info.serialClass();
            if (type == null) {
                return Status.ALLOWED; // a limit check, which the patterns passed
            }
            while (type.isArray()) {
                type = type.getComponentType();
            }
            if (type.isPrimitive() || isApplicationClass(type)) {
                return Status.ALLOWED;
            }
            if (refused == null) {
                refused = type.getName();
            }
            return Status.REJECTED;
        }

        /** The first class refused, or null. */
        String refused() {
            return refused;
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
