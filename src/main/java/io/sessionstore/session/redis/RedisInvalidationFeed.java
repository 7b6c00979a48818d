package io.sessionstore.session.redis;

import io.sessionstore.session.cache.InvalidationFeed;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.redisson.connection.ConnectionListener;

/**
 * The session store's announcements (see {@link RedisSessionFormat}: every change is published by the script that
 * makes it), as an {@link InvalidationFeed} through a Redis pub/sub subscription.
 *
 * <p>Subscribed only once Redis has confirmed the subscription with the message listener in place. Lost as soon as
 * any connection of the client drops (messages may have been lost with it) and when Redis reports the channel
 * unsubscribed. After that, Redisson subscribes again by itself after a reconnection, and that confirmation makes
 * the feed subscribed again; if anything failed, the next {@link #subscribe} starts afresh, at most once a second,
 * so the cache comes back as soon as Redis does. Thread-safe.
 */
public final class RedisInvalidationFeed implements InvalidationFeed {

    private static final long RETRY_MILLIS = 1_000;

    private final RTopic topic;
    private final AtomicBoolean attempting = new AtomicBoolean();
    private volatile Listener listener;
    private volatile boolean subscribed;
    /** Set once both of this feed's listeners are registered: only then may a confirmation count. */
    private volatile boolean listening;
    private volatile long nextAttemptMillis;
    private volatile boolean closed;

    /** Starts nothing: the subscription is made on the first {@link #subscribe}. */
    public RedisInvalidationFeed(RedisConnection connection, String keyPrefix) {
        this.topic = connection.client().getTopic(new RedisSessionFormat(keyPrefix, 0, 0).channel(),
                StringCodec.INSTANCE);
        connection.addConnectionListener(new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                // A new connection loses nothing; a dropped one was reported below.
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                lost();
            }
        });
    }

    @Override
    public void subscribe(Listener listener) {
        this.listener = listener;
        if (subscribed || closed || System.currentTimeMillis() < nextAttemptMillis
                || !attempting.compareAndSet(false, true)) {
            return;
        }
        listening = false;
        try {
            // Removing every listener unsubscribes, so the adds below wait for a fresh confirmation from Redis.
            topic.removeAllListenersAsync()
                    .thenCompose(removed -> topic.addListenerAsync(new Status()))
                    .thenCompose(id -> topic.addListenerAsync(String.class, (channel, message) -> announced(message)))
                    .whenComplete((id, error) -> attempted(error == null));
        } catch (RedisException e) {
            attempted(false); // a client that has never reached Redis fails at once
        }
    }

    @Override
    public void close() {
        closed = true;
        lost();
        try {
            topic.removeAllListeners();
        } catch (RedisException e) {
            // Redis is gone: so is the subscription
        }
    }

    private void attempted(boolean succeeded) {
        if (succeeded && !closed) {
            listening = true;
            confirmed();
        } else {
            nextAttemptMillis = System.currentTimeMillis() + RETRY_MILLIS;
        }
        attempting.set(false);
    }

    private void confirmed() {
        subscribed = true;
        listener.subscribed();
    }

    private void lost() {
        subscribed = false;
        Listener current = listener;
        if (current != null) {
            current.lost();
        }
    }

    private void announced(String message) {
        RedisSessionFormat.Announcement announcement = RedisSessionFormat.parseMessage(message);
        if (announcement != null) {
            listener.announced(announcement.id(), announcement.version());
        }
    }

    /** Redisson subscribes again by itself after a reconnection: that confirmation makes the feed subscribed. */
    private final class Status implements StatusListener {
        @Override
        public void onSubscribe(String channel) {
            if (listening && !closed) {
                confirmed();
            }
        }

        @Override
        public void onUnsubscribe(String channel) {
            lost();
        }
    }
}
