package io.sessionstore.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.WebResourceRoot;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.catalina.webresources.DirResourceSet;
import org.apache.catalina.webresources.StandardRoot;

/**
 * The web application on an embedded Tomcat 11, at the root context, bound to one address. Serves either the
 * built WAR (the launcher) or the {@code webapp/} folder plus compiled classes (the tests), so both run exactly
 * the same {@code web.xml}, JSPs and listener.
 */
public final class EmbeddedTomcat implements AutoCloseable {

    /**
     * Context attribute in which the application, or the session layer, leaves the reason it could not start (the
     * same name as {@code SessionStoreInitializer.STARTUP_PROBLEM}, which this class cannot see: it runs outside the
     * web application).
     */
    public static final String STARTUP_PROBLEM = "io.sessionstore.startupProblem";

    private final Tomcat tomcat;
    private final Context context;
    private final Path baseDir;
    private final AtomicReference<String> startupProblem = new AtomicReference<>();

    private EmbeddedTomcat(Tomcat tomcat, Context context, Path baseDir) {
        this.tomcat = tomcat;
        this.context = context;
        this.baseDir = baseDir;
        // Read before the stop that follows a failed start: the stop drops the context's attributes.
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType()) && startupProblem.get() == null) {
                Object problem = context.getServletContext().getAttribute(STARTUP_PROBLEM);
                if (problem != null) {
                    startupProblem.set(problem.toString());
                }
            }
        });
    }

    /**
     * @param webapp         a WAR file or a web root folder
     * @param classes        compiled classes to serve as {@code /WEB-INF/classes}; null when the WAR has them
     * @param port           0 for any free port
     * @param parameters     context parameters: the application's settings
     * @param trustedProxies a regular expression of the load balancers' addresses whose {@code X-Forwarded-Proto},
     *                       {@code -For} and {@code -Port} are believed (Tomcat's {@link RemoteIpValve}); null or
     *                       empty: none
     * @param accessLog      where a line per request goes, in {@code server.xml}'s pattern; null for no access log
     */
    public static EmbeddedTomcat start(Path webapp, Path classes, String address, int port,
                                       Map<String, String> parameters, String trustedProxies, PrintStream accessLog)
            throws LifecycleException, IOException {
        Path baseDir = Files.createTempDirectory("session-store-tomcat-");
        Files.createDirectories(baseDir.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());

        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", address);
        connector.setThrowOnFailure(true);
        // A client that sends its request or body slower than this is cut off (slow-body attacks).
        connector.setProperty("connectionTimeout", "5000");
        connector.setProperty("maxParameterCount", "100");
        tomcat.setConnector(connector);

        if (trustedProxies != null && !trustedProxies.isEmpty()) {
            tomcat.getEngine().getPipeline().addValve(forwardedHeaders(trustedProxies));
        }
        // Tomcat's own error pages (a malformed request, an oversized header) without stack trace or version.
        ErrorReportValve errorReport = new ErrorReportValve();
        errorReport.setShowReport(false);
        errorReport.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errorReport);
        if (accessLog != null) {
            tomcat.getHost().getPipeline().addValve(new ConsoleAccessLog(accessLog));
        }

        Context context = tomcat.addWebapp("", webapp.toAbsolutePath().toString());
        context.setParentClassLoader(EmbeddedTomcat.class.getClassLoader());
        parameters.forEach(context::addParameter);
        if (classes != null) {
            WebResourceRoot resources = new StandardRoot(context);
            resources.addPreResources(new DirResourceSet(resources, "/WEB-INF/classes",
                    classes.toAbsolutePath().toString(), "/"));
            context.setResources(resources);
        }
        EmbeddedTomcat server = new EmbeddedTomcat(tomcat, context, baseDir);
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The same valve as {@code tomcat-conf/server.xml}'s: a secure request when a trusted proxy says https. */
    private static RemoteIpValve forwardedHeaders(String trustedProxies) {
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies(trustedProxies);
        valve.setTrustedProxies("");
        valve.setRemoteIpHeader("X-Forwarded-For");
        valve.setProtocolHeader("X-Forwarded-Proto");
        valve.setPortHeader("X-Forwarded-Port");
        return valve;
    }

    public boolean isAvailable() {
        return context.getState() == LifecycleState.STARTED;
    }

    /** Why the application did not start, as it said itself; null when it did not say. */
    public String startupProblem() {
        return startupProblem.get();
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    public void await() {
        tomcat.getServer().await();
    }

    @Override
    public void close() {
        try {
            if (tomcat.getServer().getState().isAvailable()) {
                tomcat.stop();
            }
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly", e);
        } finally {
            deleteQuietly(baseDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
