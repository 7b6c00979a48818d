package io.sessionstore.session;

import io.sessionstore.session.cache.InvalidationFeed;
import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.redis.RedisInvalidationFeed;
import io.sessionstore.session.redis.RedisSessionStore;
import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An operator's command for a principal's sessions, run with the session layer's jars (those in Tomcat's
 * {@code lib/}, or {@code target/drop-in/}) and the application's settings in the environment ({@code REDIS_URL} or
 * {@code REDISSON_CONFIG}, and {@code KEY_PREFIX}, which must be given: an application's default prefix names it,
 * {@code sessionstore:<name>:}):
 * <pre>
 * java -cp "$CATALINA_HOME/lib/*" io.sessionstore.session.PrincipalSessionsCommand list alice@example.com
 * java -cp "$CATALINA_HOME/lib/*" io.sessionstore.session.PrincipalSessionsCommand logout alice@example.com [id]
 * </pre>
 * {@code list} prints one line per session: its id, creation and last access (ISO-8601, UTC), or that there is
 * none under that prefix. {@code logout} ends all of the principal's sessions, or the one named, and returns once
 * every node's near cache dropped them (as a logout in the application does); the application's session listeners
 * are not told, no application running here. Exit status 0 when done, 1 with one line on standard error when a setting or Redis fails, 2 for a usage
 * error.
 */
public final class PrincipalSessionsCommand {

    private static final String USAGE = "usage: PrincipalSessionsCommand list <principal> | logout <principal> [id]";
    private static final Duration SUBSCRIBED = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(60);

    private PrincipalSessionsCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(name);
        }, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param settings a setting's value by name, or null
     * @return the exit status
     */
    static int run(String[] args, UnaryOperator<String> settings, PrintStream out, PrintStream err) {
        boolean list = args.length == 2 && args[0].equals("list");
        boolean logout = (args.length == 2 || args.length == 3) && args[0].equals("logout");
        if (!list && !logout || Arrays.stream(args).anyMatch(String::isBlank)) {
            err.println(USAGE);
            return 2;
        }
        SessionSettings session;
        try {
            session = SessionSettings.read(settings);
        } catch (IllegalArgumentException e) {
            err.println("session-store: " + e.getMessage());
            return 1;
        }
        String keyPrefix = settings.apply(SessionSettings.KEY_PREFIX);
        if (keyPrefix == null || keyPrefix.isBlank()) {
            err.println("session-store: set KEY_PREFIX to the application's key prefix (sessionstore:<name>:, where "
                    + "<name> is its display name or context path; redis-cli --scan --pattern 'sessionstore:*' "
                    + "shows the prefixes in use)");
            return 1;
        }
        try (RedisConnection connection = RedisConnection.open(session.redis())) {
            RedisInvalidationFeed feed = logout ? subscribed(connection, session) : null;
            try (RedisSessionStore store = new RedisSessionStore(connection, session.keyPrefix(), GRACE,
                    session.housekeepingInterval(), feed, session.replicaAcks())) {
                List<SessionRecord> sessions = store.sessionsOf(args[1]);
                if (sessions.isEmpty()) {
                    out.println("No sessions of " + args[1] + " under the key prefix " + session.keyPrefix());
                    return 0;
                }
                if (list) {
                    sessions.forEach(record -> out.println(record.id() + " created "
                            + Instant.ofEpochMilli(record.creationTime()) + " last used "
                            + Instant.ofEpochMilli(record.lastAccessedTime())));
                    return 0;
                }
                int ended = 0;
                for (SessionRecord record : sessions) {
                    if ((args.length == 2 || record.id().equals(args[2]))
                            && store.write(new SessionChange.Delete(record.id())) instanceof WriteResult.Deleted) {
                        ended++;
                    }
                }
                out.println(ended + (ended == 1 ? " session" : " sessions") + " of " + args[1] + " ended");
                return 0;
            } finally {
                if (feed != null) {
                    feed.close();
                }
            }
        } catch (SessionStoreUnavailableException | IOException | InterruptedException e) {
            err.println("session-store: Redis at " + session.redis().describe() + " did not answer: "
                    + e.getMessage());
            return 1;
        }
    }

    /**
     * The acknowledgement channel's subscription, through which the deletes learn that every node's near cache
     * dropped the session.
     */
    private static RedisInvalidationFeed subscribed(RedisConnection connection, SessionSettings session)
            throws InterruptedException {
        RedisInvalidationFeed feed = new RedisInvalidationFeed(connection, session.keyPrefix(),
                session.nearCacheTrust());
        CountDownLatch subscribed = new CountDownLatch(1);
        InvalidationFeed.Listener listener = new InvalidationFeed.Listener() {
            @Override
            public void subscribed() {
                subscribed.countDown();
            }

            @Override
            public void lost() {
                // Retried below.
            }

            @Override
            public void announced(String id, long version) {
                // Nothing cached here.
            }
        };
        long deadline = System.nanoTime() + SUBSCRIBED.toNanos();
        while (!subscribed.await(100, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                feed.close();
                throw new SessionStoreUnavailableException("no subscription within " + SUBSCRIBED.toSeconds()
                        + " s", null);
            }
            feed.subscribe(listener);
        }
        return feed;
    }
}
