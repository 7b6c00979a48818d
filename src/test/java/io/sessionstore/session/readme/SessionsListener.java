package io.sessionstore.session.readme;

import io.sessionstore.session.SessionFilter;
import io.sessionstore.session.SessionSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
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
        FilterRegistration.Dynamic filter = context.addFilter("sessions", sessions);
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.ERROR), false, "/*");
    }
    // README end
}
