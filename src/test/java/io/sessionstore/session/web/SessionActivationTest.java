package io.sessionstore.session.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionstore.session.SessionSettings;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link HttpSessionActivationListener} values are told around storing and loading, as a distributable container
 * tells them when a session migrates: {@code sessionWillPassivate} before each save, {@code sessionDidActivate}
 * after each load.
 */
class SessionActivationTest {

    /** Every event of every instance, in order: instances are new after each load. */
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    /** A session value that records its activation events. */
    static final class Tracked implements HttpSessionActivationListener, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public void sessionWillPassivate(HttpSessionEvent event) {
            EVENTS.add("passivate:" + event.getSession().getId().length());
        }

        @Override
        public void sessionDidActivate(HttpSessionEvent event) {
            EVENTS.add("activate:" + event.getSession().getId().length());
        }
    }

    @RegisterExtension
    static final FilterHarness web = FilterHarness.withSettings(
            SessionSettings.builder().allowedClasses(Tracked.class.getName()).build());

    @BeforeEach
    void app() {
        web.on("/set", (request, response) -> request.getSession().setAttribute("tracked", new Tracked()));
        web.on("/read", (request, response) -> request.getSession(false).getAttribute("tracked"));
    }

    @Test
    void listenerValue_storedThenLoaded_passivatedBeforeTheSaveAndActivatedAfterTheLoad() throws Exception {
        FilterHarness.Client client = web.client();
        client.get("/set");
        List<String> afterSet = List.copyOf(EVENTS);
        EVENTS.clear();
        client.get("/read");

        assertEquals("passivate:22", afterSet.get(0), "before the first save");
        assertEquals("activate:22", EVENTS.get(0), "the loaded copy, first");
    }
}
