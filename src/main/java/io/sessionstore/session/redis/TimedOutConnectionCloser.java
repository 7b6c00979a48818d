package io.sessionstore.session.redis;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.CompletableFuture;
import org.redisson.client.NettyHook;
import org.redisson.client.RedisConnection;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.handler.ErrorsLoggingHandler;
import org.redisson.client.protocol.CommandData;
import org.redisson.client.protocol.CommandsData;

/**
 * Closes a Redis connection as soon as a command sent on it times out, and lets Redisson connect it again at once;
 * and fails a TLS handshake that takes longer than the connect timeout.
 *
 * <p>Why: Redisson gives a connection whose command timed out back to its pool. Redis answers in order, and
 * Redisson matches answers to commands by that order, so a connection that lost a reply (bytes dropped by a
 * network device, a half-dead link) would from then on hand every command the answer of the one before. Nobody
 * can know what a timed-out connection still owes, so it is never used again. A Redis error answer ({@code -ERR},
 * {@code OOM}) is an answer and closes nothing; blocking commands, which wait on purpose, are left alone.
 *
 * <p>A handshake is part of connecting: Netty's own bound is 10 s, and a plain-text Redis never answers a TLS
 * handshake ({@code rediss://} to a {@code redis://} port). Redisson waits for its first connections for the connect
 * timeout times their number (6.4 s for 8 connections at the default 800 ms), so with a small pool that wait ended
 * first and the failure read "cannot reach" instead of naming the handshake. Bounded by the connect timeout, but
 * at least {@value #MIN_HANDSHAKE_MILLIS} ms (a cold JVM's first handshakes took up to 1.3 s on two busy cores),
 * it is named within about 2 s.
 *
 * <p>It also puts {@link ConnectionErrorLog} in place of Redisson's error logging on each channel, which logs a
 * stack trace per failed connection.
 *
 * <p>Installed as Redisson's {@link NettyHook}: an outbound handler at the end of every channel's pipeline sees
 * each command written and watches its outcome. Thread-safe (Netty calls it on the channel's event loop).
 */
final class TimedOutConnectionCloser implements NettyHook {

    private static final long MIN_HANDSHAKE_MILLIS = 2_000;

    private final long handshakeTimeoutMillis;

    /** @param connectTimeoutMillis how long a connect may take; a TLS handshake as long, or 2 s if that is more */
    TimedOutConnectionCloser(long connectTimeoutMillis) {
        this.handshakeTimeoutMillis = Math.max(MIN_HANDSHAKE_MILLIS, connectTimeoutMillis);
    }

    @Override
    public void afterBoostrapInitialization(Bootstrap bootstrap) {
        // nothing to change on the bootstrap
    }

    @Override
    public void afterChannelInitialization(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null) {
            tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        }
        ErrorsLoggingHandler errors = channel.pipeline().get(ErrorsLoggingHandler.class);
        if (errors != null) {
            channel.pipeline().replace(errors, "session-store-errors", ConnectionErrorLog.INSTANCE);
        }
        channel.pipeline().addLast("session-store-close-on-timeout", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext context, Object message, ChannelPromise promise)
                    throws Exception {
                CompletableFuture<?> outcome = outcome(message);
                if (outcome != null) {
                    Channel written = context.channel();
                    outcome.whenComplete((result, error) -> {
                        if (error instanceof RedisTimeoutException && written.isActive()) {
                            replace(written);
                        }
                    });
                }
                super.write(context, message, promise);
            }
        });
    }

    /** The outcome of a command or pipelined batch that waits for an answer in turn; null for anything else. */
    private static CompletableFuture<?> outcome(Object message) {
        if (message instanceof CommandData<?, ?> command && !command.isBlockingCommand()) {
            return command.getPromise();
        }
        if (message instanceof CommandsData batch && !batch.isBlockingCommand()) {
            return batch.getPromise();
        }
        return null;
    }

    private static void replace(Channel channel) {
        RedisConnection connection = RedisConnection.getFrom(channel);
        if (connection != null && connection.getChannel() == channel && !connection.isClosed()) {
            connection.forceFastReconnectAsync(); // closes the channel; Redisson reconnects it without delay
        } else {
            channel.close();
        }
    }
}
