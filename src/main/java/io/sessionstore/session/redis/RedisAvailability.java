package io.sessionstore.session.redis;

import java.util.Locale;
import org.redisson.client.RedisClusterDownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisMasterDownException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.RedisTryAgainException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, as the calls through {@link RedisConnection#call} find it, with one log line for each
 * change: a warning when a call finds it not answering (in {@link RedisRefusal}'s words, so a connection that Redis
 * refuses, such as a wrong password after a restart, says so), and a line when it answers again. A failure is a lost or
 * refused connection, a timeout, or a Redis that cannot serve yet (loading its data, a Cluster or shard without a
 * master, a replica during a failover); an answer that refuses a command ({@code OOM}, {@code NOPERM}) says Redis
 * is there.
 *
 * <p>It is back once a call succeeds and no call failed for {@value #QUIET_MILLIS} ms: on a Redis Cluster with one
 * shard down, calls to the other shards succeed between failures, and the log would otherwise flap with each
 * request. Thread-safe; a call on a Redis that answers costs one volatile read.
 */
final class RedisAvailability {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    static final long QUIET_MILLIS = 1000;

    private final RedisSettings settings;
    private volatile boolean down;
    private long downSince;
    private long lastFailure;

    /** @param settings the Redis, named in the lines without any password */
    RedisAvailability(RedisSettings settings) {
        this.settings = settings;
    }

    /** A call got its answer. */
    void answered() {
        if (down) {
            back(System.currentTimeMillis());
        }
    }

    /**
     * A call failed with {@code e}.
     *
     * @param logged whether the caller logs the failure itself, in words of its own: then this change gets no line
     */
    void failed(RedisException e, boolean logged) {
        if (!unavailable(e)) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (this) {
            lastFailure = now;
            if (down) {
                return;
            }
            down = true;
            downSince = now;
        }
        if (!logged) {
            log.warn("{} ({}); requests that need Redis fail until it answers", RedisRefusal.describe(settings, e),
                    e.getClass().getSimpleName());
        }
    }

    private void back(long now) {
        long seconds;
        synchronized (this) {
            if (!down || now - lastFailure < QUIET_MILLIS) {
                return;
            }
            down = false;
            seconds = now - downSince;
        }
        log.info("Redis at {} answers again, {} s after it stopped", settings.describe(),
                String.format(Locale.ROOT, "%.1f", seconds / 1000.0));
    }

    /** {@code e}, or a cause of it (a batch reports its commands' failures as causes), is a failure to serve. */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisTimeoutException
                    || t instanceof RedisNodeNotFoundException || t instanceof RedisLoadingException
                    || t instanceof RedisClusterDownException || t instanceof RedisMasterDownException
                    || t instanceof RedisReadonlyException || t instanceof RedisTryAgainException) {
                return true;
            }
        }
        return false;
    }
}
