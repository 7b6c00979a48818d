package io.sessionstore.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * An embedded Tomcat in a temporary base folder, with one HTTP connector on a free 127.0.0.1 port that fails the
 * start when it cannot bind. Add contexts, {@link #start()} it, and {@link #close()} it to stop it and delete its
 * folder.
 */
public final class TestTomcat implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final Connector connector = new Connector();
    private final Path baseDir;

    private TestTomcat(Path baseDir) {
        this.baseDir = baseDir;
        tomcat.setBaseDir(baseDir.toString());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);
    }

    /** A Tomcat not yet started, with no context. */
    public static TestTomcat create() throws IOException {
        return new TestTomcat(Files.createTempDirectory("test-tomcat-"));
    }

    /** The largest request header block the connector accepts, in bytes; before {@link #start()}. */
    public TestTomcat maxHttpHeaderSize(int bytes) {
        connector.setProperty("maxHttpHeaderSize", Integer.toString(bytes));
        return this;
    }

    /** An empty context at path {@code ""}, configured in code: no {@code web.xml}, no default servlets. */
    public Context addRootContext() throws IOException {
        return addContext("");
    }

    /** An empty context at {@code contextPath} ({@code "/shop"}, or {@code ""} for the root), configured in code. */
    public Context addContext(String contextPath) throws IOException {
        String folder = contextPath.isEmpty() ? "root" : contextPath.substring(1);
        return tomcat.addContext(contextPath, Files.createDirectories(baseDir.resolve(folder)).toString());
    }

    /** A web application from a folder, configured as Tomcat deploys one: its {@code web.xml}, JSPs, initializers. */
    public Context addWebapp(String contextPath, Path root) {
        return tomcat.addWebapp(contextPath, root.toString());
    }

    /** Puts a filter, async supported, in front of every path of a context, for these dispatcher types. */
    public static void filterEveryPath(Context context, Filter filter, DispatcherType... dispatchers) {
        FilterDef def = new FilterDef();
        def.setFilterName(filter.getClass().getSimpleName());
        def.setFilter(filter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(def.getFilterName());
        map.addURLPattern("/*");
        for (DispatcherType dispatcher : dispatchers) {
            map.setDispatcher(dispatcher.name());
        }
        context.addFilterMap(map);
    }

    public void start() throws LifecycleException {
        tomcat.start();
    }

    /** The address of a path (and query) on this Tomcat, once started. */
    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery;
    }

    /** {@link #url} as a URI. */
    public URI uri(String pathAndQuery) {
        return URI.create(url(pathAndQuery));
    }

    /** Stops and destroys Tomcat, then deletes its base folder. */
    @Override
    public void close() throws LifecycleException, IOException {
        tomcat.stop();
        tomcat.destroy();
        try (var files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
