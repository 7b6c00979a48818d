package io.sessionstore.session.web;

import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the listener instances the container made for an application: those declared in {@code web.xml}, annotated
 * {@code @WebListener}, or added with {@code ServletContext.addListener}. The Servlet API gives no way to read them
 * back, so this asks Tomcat (10.1 and 11) through its public API, reflectively so that the library needs no Tomcat
 * class to load: the context attribute {@code org.apache.catalina.resources} holds the context's
 * {@code WebResourceRoot}, whose {@code getContext()} is the {@code Context} with
 * {@code getApplicationLifecycleListeners()} ({@code HttpSessionListener}s among them) and
 * {@code getApplicationEventListeners()} (attribute and id listeners). Stateless.
 */
final class ContainerListeners {

    private static final String TOMCAT_RESOURCES = "org.apache.catalina.resources";

    private ContainerListeners() {
    }

    /**
     * Call once the container has made the listeners: from a filter's {@code init}, not from a
     * {@code ServletContainerInitializer}.
     *
     * @return the listeners in declaration order, or empty when the container is not one this class knows
     */
    static Optional<List<Object>> of(ServletContext context) {
        Object resources = context.getAttribute(TOMCAT_RESOURCES);
        if (resources == null) {
            return Optional.empty();
        }
        try {
            Object tomcatContext = resources.getClass().getMethod("getContext").invoke(resources);
            // One instance of several listener kinds is in both lists: each counted once.
            Set<Object> listeners = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Object> ordered = new ArrayList<>();
            for (String method : List.of("getApplicationLifecycleListeners", "getApplicationEventListeners")) {
                Object[] found = (Object[]) tomcatContext.getClass().getMethod(method).invoke(tomcatContext);
                for (Object listener : found == null ? new Object[0] : found) {
                    if (listeners.add(listener)) {
                        ordered.add(listener);
                    }
                }
            }
            return Optional.of(ordered);
        } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
            return Optional.empty();
        }
    }
}
