package io.sessionstore.session.model;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Java serialisation that also records the class of every descriptor it writes (each class of the object graph,
 * superclasses included), so that a value can be checked against the allow-list whole, and a refusal name every
 * class at once rather than the first one a reader stops at. Not thread-safe: one per value.
 */
final class ClassRecordingStream extends ObjectOutputStream {

    /** The classes written, in order. */
    static final class Recorded {
        private final List<Class<?>> classes = new ArrayList<>();

        List<Class<?>> classes() {
            return classes;
        }
    }

    private final Recorded recorded;

    ClassRecordingStream(OutputStream out, Recorded recorded) throws IOException {
        super(out);
        this.recorded = recorded;
    }

    /** Called once for each class descriptor written (java.io.ObjectOutputStream#annotateClass). */
    @Override
    protected void annotateClass(Class<?> type) {
        recorded.classes.add(type);
    }

    @Override
    protected void annotateProxyClass(Class<?> type) {
        recorded.classes.add(type);
    }
}
