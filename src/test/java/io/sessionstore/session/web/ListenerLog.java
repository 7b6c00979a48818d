package io.sessionstore.session.web;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * A session, attribute and id listener that writes down what it is told, as "created id", "added name=value",
 * "replaced name=old", "removed name=old", "idChanged old new" and "destroyed id [names]" (the attribute names the
 * session still had). Thread-safe.
 */
final class ListenerLog implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    void clear() {
        events.clear();
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        events.add("created " + event.getSession().getId());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        events.add("destroyed " + event.getSession().getId() + " "
                + new TreeSet<>(Collections.list(event.getSession().getAttributeNames())));
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        events.add("added " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        events.add("replaced " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        events.add("removed " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        events.add("idChanged " + oldSessionId + " " + event.getSession().getId());
    }
}
