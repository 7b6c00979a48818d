package io.sessionstore.session;

import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * This node's subscription to the session events ({@code "<id> <version>"}, {@code 0} for a delete), which keeps
 * its {@link NearCache} coherent. The cache is switched on only once Redis has confirmed the subscription with the
 * message listener in place, and after anything that may have lost messages (a connection dropped, Redis down at
 * start) the next load subscribes afresh, at most once a second, so the cache comes back as soon as Redis does.
 */
final class SessionEvents {

    private static final long RETRY_MILLIS = 1_000;

    private final RTopic topic;
    private final NearCache cache;
    private final AtomicBoolean attempting = new AtomicBoolean();
    private volatile boolean listening;
    private volatile long nextAttemptMillis;

    SessionEvents(RedissonClient redisson, String channel, NearCache cache) {
        this.topic = redisson.getTopic(channel, StringCodec.INSTANCE);
        this.cache = cache;
    }

    /** Cheap when the cache is on: called on every load. */
    void ensureSubscribed() {
        if (cache.isOn() || System.currentTimeMillis() < nextAttemptMillis
                || !attempting.compareAndSet(false, true)) {
            return;
        }
        listening = false;
        try {
            // Removing every listener unsubscribes, so the adds below wait for a fresh confirmation from Redis.
            topic.removeAllListenersAsync()
                    .thenCompose(removed -> topic.addListenerAsync(new CacheStatus()))
                    .thenCompose(id -> topic.addListenerAsync(String.class, (channel, message) -> announced(message)))
                    .whenComplete((id, error) -> attempted(error == null));
        } catch (RedisException e) {
            attempted(false); // a client that has never reached Redis fails at once
        }
    }

    private void attempted(boolean subscribed) {
        if (subscribed) {
            listening = true;
            cache.subscribed();
        } else {
            nextAttemptMillis = System.currentTimeMillis() + RETRY_MILLIS;
        }
        attempting.set(false);
    }

    private void announced(String message) {
        int space = message.indexOf(' ');
        if (space > 0) {
            cache.announced(message.substring(0, space), Long.parseLong(message.substring(space + 1)),
                    System.currentTimeMillis());
        }
    }

    /** Redisson subscribes again by itself after a reconnection: that confirmation switches the cache back on. */
    private final class CacheStatus implements StatusListener {
        @Override
        public void onSubscribe(String channel) {
            if (listening) {
                cache.subscribed();
            }
        }

        @Override
        public void onUnsubscribe(String channel) {
            cache.unsubscribed();
        }
    }
}
