package io.sessionstore.session.readme;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.EnumSet;

/** The README's "use it in another application" example, compiled and run by {@link ReadmeExampleTest}. */
public final class SessionsListener implements ServletContextListener {
    // README begin
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        SessionFilter sessions = new SessionFilter(SessionSettings.read(context)); // REDIS_URL, KEY_PREFIX, ...
        context.addFilter("sessions", sessions)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
    // README end
}
