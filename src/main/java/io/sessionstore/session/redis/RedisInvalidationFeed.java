package io.sessionstore.session.redis;

import io.sessionstore.session.cache.InvalidationFeed;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * so the cache comes back as soon as Redis does.
 *
 * <h2>Deletes acknowledged</h2>
 * A logout must hold on every node once its response is sent, also against the old cookies replayed at once on
 * another node, whose near cache may not have handled the announcement yet. So a node that deletes a session waits
 * until every subscriber the announcement reached has acknowledged it ({@link #deleting}): each node that receives a
 * delete naming a node drops the session from its cache first, then publishes the sequence number on that node's
 * acknowledgement channel (one message per receiving node). The deleting node's own subscription counts by itself.
 * The wait is bounded by the near caches' trust bound: by then every copy that Redis confirmed before the delete is
 * no longer used, so a node whose messages lag or that is cut off cannot serve the session after the response
 * either; such a node, or a subscriber that never acknowledges (a {@code redis-cli SUBSCRIBE}), costs each delete
 * that bound. On Redis Cluster, {@code PUBLISH} counts only the subscribers of the cluster node that ran it, so the
 * channel's subscriber count stands in ({@link #receivers}). Thread-safe.
 */
public final class RedisInvalidationFeed implements InvalidationFeed {

    private static final long RETRY_MILLIS = 1_000;

    private final RTopic topic;
    private final RedisConnection connection;
    private final RedisSessionFormat format;
    /** Names this node in the deletes it waits for: random, so that restarts and other nodes never collide. */
    private final String node = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    private final RTopic acks;
    private final Duration ackBound;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, PendingDelete> pending = new ConcurrentHashMap<>();
    private final boolean cluster;
    private volatile long subscribers;
    private volatile long subscribersCountedAtNanos;
    private final AtomicBoolean attempting = new AtomicBoolean();
    private volatile Listener listener;
    private volatile boolean subscribed;
    /** Set once both of this feed's listeners are registered: only then may a confirmation count. */
    private volatile boolean listening;
    private volatile long nextAttemptMillis;
    private volatile boolean closed;

    /**
     * Starts nothing: the subscription is made on the first {@link #subscribe}.
     *
     * @param ackBound how long a delete waits at most for its acknowledgements: the near caches' trust bound
     */
    public RedisInvalidationFeed(RedisConnection connection, String keyPrefix, Duration ackBound) {
        this.connection = connection;
        this.format = new RedisSessionFormat(keyPrefix, 0, 0);
        this.topic = connection.client().getTopic(format.channel(), StringCodec.INSTANCE);
        this.acks = connection.client().getTopic(format.ackChannel(node), StringCodec.INSTANCE);
        this.ackBound = ackBound;
        this.cluster = connection.client().getConfig().isClusterConfig();
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
            acks.removeAllListenersAsync()
                    .thenCompose(removed -> acks.addListenerAsync(String.class, (channel, message) -> acked(message)))
                    .thenCompose(id -> topic.removeAllListenersAsync())
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
            acks.removeAllListeners();
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

    /**
     * Starts a delete that waits for its acknowledgements: its script arguments name this node and a new sequence
     * number; {@link PendingDelete#await} then waits for the receivers the script reported.
     */
    PendingDelete deleting() {
        PendingDelete delete = new PendingDelete(sequence.incrementAndGet());
        pending.put(delete.sequence, delete);
        return delete;
    }

    /**
     * The subscribers a delete's announcement reached, this node's own included: {@code PUBLISH}'s count, except on
     * Redis Cluster, where that counts the subscribers of one cluster node only and the channel's subscriber count
     * ({@code PUBSUB NUMSUB} on the node the subscriptions are made on, asked at most once a second) stands in.
     *
     * @param published {@code PUBLISH}'s answer
     */
    long receivers(long published) {
        if (!cluster) {
            return published;
        }
        if (System.nanoTime() - subscribersCountedAtNanos > 1_000_000_000L) {
            subscribers = topic.countSubscribers();
            subscribersCountedAtNanos = System.nanoTime();
        }
        return Math.max(published, subscribers);
    }

    private void announced(String message) {
        RedisSessionFormat.Announcement announcement = RedisSessionFormat.parseMessage(message);
        if (announcement == null) {
            return;
        }
        listener.announced(announcement.id(), announcement.version());
        if (announcement.ackTo() == null) {
            return;
        }
        if (announcement.ackTo().equals(node)) {
            acked(Long.toString(announcement.sequence()));
        } else {
            connection.client().getTopic(format.ackChannel(announcement.ackTo()), StringCodec.INSTANCE)
                    .publishAsync(Long.toString(announcement.sequence()));
        }
    }

    private void acked(String message) {
        try {
            PendingDelete delete = pending.get(Long.parseLong(message));
            if (delete != null) {
                delete.acknowledged();
            }
        } catch (NumberFormatException e) {
            // not an acknowledgement: ignored
        }
    }

    /** A delete waiting for its acknowledgements. */
    final class PendingDelete {
        private final long sequence;
        private int acknowledged;

        private PendingDelete(long sequence) {
            this.sequence = sequence;
        }

        /** The delete script's arguments, naming this node and sequence. */
        Object[] deleteArgs(String id) {
            return format.deleteArgs(id, node, sequence);
        }

        /**
         * Waits until {@code receivers} acknowledged, or the bound passed, or the thread is interrupted; then
         * forgets this delete. Never throws.
         *
         * @return whether all acknowledged in time
         */
        synchronized boolean await(long receivers) {
            long deadline = System.nanoTime() + ackBound.toNanos();
            try {
                while (acknowledged < receivers) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                pending.remove(sequence);
            }
        }

        /** Forgets this delete without waiting: its script failed or announced nothing. */
        void abandon() {
            pending.remove(sequence);
        }

        private synchronized void acknowledged() {
            acknowledged++;
            notifyAll();
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
