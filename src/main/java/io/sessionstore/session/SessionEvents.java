package io.sessionstore.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * This node's subscription to the session events ({@code "<id> <version>"}, {@code 0} for a delete), which keeps
 * its {@link NearCache} coherent. Subscribing may fail (Redis down at start): every load asks again, so the
 * subscription, and with it the cache, comes as soon as Redis does.
 */
final class SessionEvents {

    private static final long RETRY_MILLIS = 1_000;

    private final RTopic topic;
    private final NearCache cache;
    private final AtomicBoolean attempting = new AtomicBoolean();
    private volatile boolean statusListening;
    private volatile boolean messageListening;
    private volatile long nextAttemptMillis;

    SessionEvents(RedissonClient redisson, String channel, NearCache cache) {
        this.topic = redisson.getTopic(channel, StringCodec.INSTANCE);
        this.cache = cache;
    }

    /**
     * Starts a subscription unless one holds, one is under way, or the last attempt failed less than a second ago.
     * Cheap: called on every load.
     */
    void ensureSubscribed() {
        if (messageListening || System.currentTimeMillis() < nextAttemptMillis
                || !attempting.compareAndSet(false, true)) {
            return;
        }
        try {
            // The status listener first: it must be in place when the subscription is confirmed.
            CompletionStage<?> status = statusListening ? CompletableFuture.completedFuture(null)
                    : topic.addListenerAsync(new CacheStatus()).thenAccept(id -> statusListening = true);
            status.thenCompose(ignored -> topic.addListenerAsync(String.class, (channel, message) -> announced(message)))
                    .whenComplete((id, error) -> attempted(error == null));
        } catch (RedisException e) {
            attempted(false); // a client that has never reached Redis fails at once
        }
    }

    private void attempted(boolean subscribed) {
        messageListening = subscribed;
        if (!subscribed) {
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

    private final class CacheStatus implements StatusListener {
        @Override
        public void onSubscribe(String channel) {
            cache.subscribed();
        }

        @Override
        public void onUnsubscribe(String channel) {
            cache.unsubscribed();
        }
    }
}
