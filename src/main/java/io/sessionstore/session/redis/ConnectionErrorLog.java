package io.sessionstore.session.redis;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what goes wrong on a Redis connection in one line without a stack trace, at most one line a minute for the
 * whole process, in place of Redisson's handler, which logs an error with its stack trace for every failed
 * connection: a Redis whose TLS certificate is not trusted is tried again about twice a second, and filled Tomcat's
 * log with some 50 lines each time. What the failure means for requests is said once by {@link RedisAvailability};
 * the rest are at DEBUG. Sharable and thread-safe.
 */
@ChannelHandler.Sharable
final class ConnectionErrorLog extends ChannelDuplexHandler {

    static final ConnectionErrorLog INSTANCE = new ConnectionErrorLog();

    private static final Logger log = LoggerFactory.getLogger(ConnectionErrorLog.class);
    private static final long INTERVAL_MILLIS = 60_000;

    private final AtomicLong lastLine = new AtomicLong(Long.MIN_VALUE);

    private ConnectionErrorLog() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        long now = System.currentTimeMillis();
        long last = lastLine.get();
        String line = cause.getClass().getSimpleName() + ": " + firstLine(cause);
        if (now - last >= INTERVAL_MILLIS && lastLine.compareAndSet(last, now)) {
            log.warn("A Redis connection failed ({}); such failures are logged at most once a minute", line);
        } else {
            log.debug("A Redis connection failed ({})", line);
        }
        // Handled here, as by the handler it replaces: Redisson closes and reconnects a failed connection itself.
    }

    private static String firstLine(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.lines().findFirst().orElse(message);
    }
}
