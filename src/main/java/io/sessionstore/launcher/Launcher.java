package io.sessionstore.launcher;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code java -jar target/session-store.jar}: runs {@code session-store.war}, found next to this jar, on an
 * embedded Tomcat. {@code PORT} (default 8080) and {@code BIND_ADDRESS} (default 127.0.0.1) choose where it
 * listens; {@code TRUSTED_PROXIES} (default this machine), whose forwarded headers it believes, as
 * {@code tomcat-conf/setenv.sh} does; every other setting is the web application's own (see the README). Unlike a
 * WAR in a standalone Tomcat, the launcher refuses to start without Redis and says so in one line.
 */
public final class Launcher {

    /** Loopback, IPv4 and IPv6: a load balancer on this machine. */
    private static final String LOOPBACK = "127\\.\\d+\\.\\d+\\.\\d+|0:0:0:0:0:0:0:1|::1";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Path war = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("session-store.war");
        if (!Files.isRegularFile(war)) {
            exit("session-store.war is missing next to the launcher; build it with: mvn -B -q -DskipTests package");
        }
        requireEmbeddedTomcat(war.resolveSibling("lib"));
        int port = port(System.getenv().getOrDefault("PORT", "8080"));
        String address = System.getenv().getOrDefault("BIND_ADDRESS", "127.0.0.1");
        requireLocalAddress(address);
        String trustedProxies = trustedProxies(System.getenv().getOrDefault("TRUSTED_PROXIES", LOOPBACK));
        PrintStream accessLog = accessLog(System.getenv().getOrDefault("ACCESS_LOG", "on"));

        StartupLog startupLog = StartupLog.install();
        EmbeddedTomcat server;
        try {
            server = EmbeddedTomcat.start(war, null, address, port, Map.of("REDIS_REQUIRED_AT_START", "true"),
                    trustedProxies, accessLog);
        } catch (Exception e) {
            startupLog.replay();
            String reason = rootMessage(e);
            exit("cannot listen on " + address + ":" + port + " (" + reason + "); " + (reason.contains("assign")
                    ? "set BIND_ADDRESS to an address of this machine (0.0.0.0 for all)" : "set PORT to a free port"));
            return;
        }
        if (!server.isAvailable()) {
            String problem = server.startupProblem();
            if (problem == null) {
                startupLog.replay();
            }
            server.close();
            exit(problem != null ? problem : "the web application failed to start (see the log above)");
        }
        startupLog.done();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "session-store-shutdown"));
        String host = address.contains(":") ? "[" + address + "]" : address;
        System.out.println("session-store is running at http://" + host + ":" + server.port() + "/  (Ctrl+C stops it)");
        server.await();
    }

    /** {@code ACCESS_LOG}: {@code on} writes a line per request to standard output, {@code off} none. */
    private static PrintStream accessLog(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> System.out;
            case "off" -> null;
            default -> {
                exit("ACCESS_LOG must be 'on' or 'off', not '" + value + "'");
                yield null;
            }
        };
    }

    /**
     * Embedded Tomcat comes from {@code lib/} next to the jar (its manifest's class path): a jar copied alone would
     * otherwise die of a {@code NoClassDefFoundError}.
     */
    private static void requireEmbeddedTomcat(Path lib) {
        try {
            Class.forName("org.apache.catalina.startup.Tomcat", false, Launcher.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            exit("embedded Tomcat is missing: the launcher looks for lib/tomcat-embed-core.jar and the other jars of "
                    + "target/lib/ in " + lib.toAbsolutePath() + "; copy target/lib/ there with session-store.jar");
        }
    }

    /**
     * Tomcat binds every interface when its address does not resolve, while the launcher would name the address it
     * was given: a name that does not resolve, or an address of another machine, is refused instead.
     */
    private static void requireLocalAddress(String address) {
        InetAddress resolved;
        try {
            resolved = InetAddress.getByName(address.strip());
        } catch (UnknownHostException e) {
            exit("BIND_ADDRESS: '" + address + "' does not resolve to an address; give an address of this machine "
                    + "(127.0.0.1 by default, 0.0.0.0 for all)");
            return;
        }
        try {
            if (!resolved.isAnyLocalAddress() && !resolved.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(resolved) == null) {
                exit("BIND_ADDRESS: '" + address + "' (" + resolved.getHostAddress() + ") is not an address of this "
                        + "machine; give one of its addresses (127.0.0.1 by default, 0.0.0.0 for all)");
            }
        } catch (SocketException e) {
            // The interfaces cannot be listed: Tomcat's bind tells.
        }
    }

    /** The addresses whose forwarded headers are believed: a regular expression, or empty for none. */
    private static String trustedProxies(String value) {
        try {
            Pattern.compile(value);
            return value;
        } catch (PatternSyntaxException e) {
            exit("TRUSTED_PROXIES must be a regular expression of load balancer addresses, such as "
                    + "'10\\.0\\.1\\.(10|11)': " + e.getDescription() + " in '" + value + "'");
            return null;
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        exit("PORT must be a number from 0 to 65535, not '" + value + "'");
        return -1;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void exit(String message) {
        System.err.println("session-store: " + message);
        System.exit(1);
    }

    /**
     * Holds back Tomcat's start-up log: a good start prints one line, a failed one its reason. The held lines are
     * printed only when the reason is unknown. Afterwards warnings and errors go to the console as usual, and the
     * line of Redis answering again after it stopped (an INFO line of the session layer's Redis connection).
     */
    private static final class StartupLog extends Handler {
        /** Held here: a logger keeps a level only while something holds the logger. */
        private static final Logger REDIS_STATE = Logger.getLogger(
                "io.sessionstore.session.redis.RedisConnection");

        private final List<LogRecord> held = new ArrayList<>();
        private final Logger root = Logger.getLogger("");
        private final Handler[] console;

        private StartupLog() {
            console = root.getHandlers();
            for (Handler handler : console) {
                root.removeHandler(handler);
            }
            root.addHandler(this);
        }

        static StartupLog install() {
            return new StartupLog();
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                held.add(record);
            }
        }

        synchronized void replay() {
            SimpleFormatter formatter = new SimpleFormatter();
            held.forEach(record -> System.err.print(formatter.format(record)));
            held.clear();
        }

        synchronized void done() {
            root.removeHandler(this);
            root.setLevel(Level.WARNING);
            REDIS_STATE.setLevel(Level.INFO);
            for (Handler handler : console) {
                handler.setLevel(Level.INFO);
                root.addHandler(handler);
            }
            held.clear();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
