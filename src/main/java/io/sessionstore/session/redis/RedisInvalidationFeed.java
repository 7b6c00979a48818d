package io.sessionstore.session.redis;

import io.sessionstore.session.cache.InvalidationFeed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.redisson.connection.ConnectionListener;

/**
 * The session store's announcements (see {@link RedisSessionFormat}: every change is published by the script that
 * makes it, or on Redis Cluster by the store right after it on one of the sharded channels), as an
 * {@link InvalidationFeed} through Redis pub/sub subscriptions.
 *
 * <p>Subscribed only once Redis has confirmed the subscription of every channel with the message listener in place.
 * Lost as soon as a connection of the subscribing client drops (messages may have been lost with it) and when Redis
 * reports a channel unsubscribed (as Redis Cluster does to a sharded channel whose slot moved to another shard, which
 * Redisson notices at its next topology scan). After that, Redisson subscribes again by itself after a reconnection,
 * and once every channel is confirmed again the feed is subscribed; otherwise the next {@link #subscribe} starts
 * afresh, at most once a second, each attempt bounded by twice the connection's timeout, so the cache comes back as
 * soon as Redis does. On Redis Cluster every attempt subscribes through a client of its own, made for it and closed
 * once a later one succeeds: Redisson 3.52 does not subscribe again to a sharded channel whose slot moved, and keeps
 * that channel's subscription lock (and every channel's sharing its lock stripe) taken for good, in that client.
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
 * that bound. The subscribers reached are {@code PUBLISH}'s or {@code SPUBLISH}'s count; a delete waits the whole
 * bound when that count cannot be relied on ({@link #receivers}). Thread-safe.
 */
public final class RedisInvalidationFeed implements InvalidationFeed {

    private static final long RETRY_MILLIS = 1_000;
    /** How long the most subscribers a message reached is remembered: a node that left is no longer waited for. */
    private static final long RECEIVERS_MEMORY_NANOS = 10_000_000_000L;

    private final RedisConnection connection;
    private final RedisSessionFormat format;
    /** Names this node in the deletes it waits for: random, so that restarts and other nodes never collide. */
    private final String node = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    private final Duration ackBound;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, PendingDelete> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean attempting = new AtomicBoolean();
    /** Numbers the attempts: the completion of one given up on changes nothing. */
    private final AtomicLong attempts = new AtomicLong();
    private volatile long attemptStartedMillis;
    /** The subscriptions of the attempt under way, if any. */
    private volatile Subscriptions underWay;
    /** The channels whose subscription Redis has not confirmed since the feed was last lost. */
    private final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
    /** The subscriptions that announcements arrive on; null before the first attempt succeeded. */
    private volatile Subscriptions current;
    private volatile Listener listener;
    private volatile boolean subscribed;
    private volatile long nextAttemptMillis;
    private volatile boolean closed;
    private long mostReceivers;
    private long mostReceiversAtNanos;

    /**
     * Starts nothing: the subscriptions are made on the first {@link #subscribe}.
     *
     * @param ackBound how long a delete waits at most for its acknowledgements: the near caches' trust bound
     */
    public RedisInvalidationFeed(RedisConnection connection, String keyPrefix, Duration ackBound) {
        this.connection = connection;
        this.format = new RedisSessionFormat(keyPrefix, 0, 0, connection.cluster());
        this.ackBound = ackBound;
        if (!format.sharded()) {
            watch(connection, () -> true);
        }
    }

    @Override
    public void subscribe(Listener listener) {
        this.listener = listener;
        if (subscribed || closed) {
            return;
        }
        long now = System.currentTimeMillis();
        if (attempting.get() && now - attemptStartedMillis > 2 * connection.timeout().toMillis()) {
            // Redisson may never complete a subscription whose slot moved meanwhile: given up on, tried afresh.
            gaveUp(attempts.get());
        }
        if (now < nextAttemptMillis || !attempting.compareAndSet(false, true)) {
            return;
        }
        long attempt = attempts.incrementAndGet();
        attemptStartedMillis = now;
        if (!format.sharded()) {
            attempt(attempt, new Subscriptions(connection, false));
            return;
        }
        // Making a client takes a while: not on the request thread that asked.
        Thread maker = new Thread(() -> {
            try {
                RedisConnection own = connection.forSubscriptions();
                Subscriptions subscriptions = new Subscriptions(own, true);
                watch(own, () -> current == subscriptions);
                attempt(attempt, subscriptions);
            } catch (IOException | RuntimeException e) {
                attempted(attempt, null, false);
            }
        }, "session-store-subscriber");
        maker.setDaemon(true);
        maker.setContextClassLoader(RedisInvalidationFeed.class.getClassLoader());
        maker.start();
    }

    @Override
    public void close() {
        closed = true;
        lost();
        Subscriptions last = current;
        if (last != null) {
            last.close();
        }
        Subscriptions unfinished = underWay;
        if (unfinished != null && unfinished.owned) {
            unfinished.close();
        }
    }

    /** Makes {@code subscriptions} and, once Redis confirmed them all, has them deliver in place of the last ones. */
    private void attempt(long attempt, Subscriptions subscriptions) {
        underWay = subscriptions;
        try {
            subscriptions.start().whenComplete((done, error) -> attempted(attempt, subscriptions, error == null));
        } catch (RedisException e) {
            attempted(attempt, subscriptions, false); // a client that has never reached Redis fails at once
        }
    }

    private synchronized void attempted(long attempt, Subscriptions subscriptions, boolean succeeded) {
        if (attempt != attempts.get()) {
            // Given up on: its client, if it made one, goes.
            if (subscriptions != null && subscriptions.owned) {
                subscriptions.closeLater();
            }
            return;
        }
        underWay = null;
        if (succeeded && !closed) {
            Subscriptions last = current;
            current = subscriptions;
            if (last != null && last != subscriptions && last.owned) {
                last.closeLater();
            }
            unconfirmed.clear();
            confirmed();
        } else {
            if (subscriptions != null && subscriptions.owned) {
                subscriptions.closeLater();
            }
            nextAttemptMillis = System.currentTimeMillis() + RETRY_MILLIS;
        }
        attempting.set(false);
    }

    /** Gives up on the attempt {@code attempt} if it is still under way; a new one may start at once. */
    private synchronized void gaveUp(long attempt) {
        if (attempt != attempts.get() || !attempting.get()) {
            return;
        }
        attempts.incrementAndGet();
        Subscriptions unfinished = underWay;
        underWay = null;
        if (unfinished != null && unfinished.owned) {
            unfinished.closeLater();
        }
        attempting.set(false);
    }

    private void confirmed() {
        subscribed = true;
        listener.subscribed();
    }

    private void lost() {
        unconfirmed.addAll(format.channels());
        subscribed = false;
        Listener current = listener;
        if (current != null) {
            current.lost();
        }
    }

    /** Loses the feed when {@code client} drops a connection while {@code delivering} says it is the one in use. */
    private void watch(RedisConnection client, BooleanSupplier delivering) {
        client.addConnectionListener(new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                // A new connection loses nothing; a dropped one was reported below.
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                if (delivering.getAsBoolean()) {
                    lost();
                }
            }
        });
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
     * The subscribers a delete's announcement reached, this node's own included: {@code PUBLISH}'s or
     * {@code SPUBLISH}'s count, which covers every subscriber when subscriptions are made on masters (Redisson's
     * default). Unknown, so more than will ever answer, when they are made on replicas, when nothing was published,
     * or when the count is below the most any announcement reached within the last 10 s: a node whose subscription
     * Redis dropped (a sharded channel's slot moved) is not counted, yet may hold a copy.
     *
     * @param published the count, or a negative number when the announcement could not be sent
     */
    long receivers(long published) {
        if (published < 0 || connection.subscribesOnReplicas()) {
            return Long.MAX_VALUE;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (published >= mostReceivers || now - mostReceiversAtNanos > RECEIVERS_MEMORY_NANOS) {
                mostReceivers = published;
                mostReceiversAtNanos = now;
                return published;
            }
        }
        return Long.MAX_VALUE;
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
            topic(connection, format.ackChannel(announcement.ackTo()))
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

        /** The announcement naming this node and sequence, for a caller that announces (Redis Cluster). */
        String message(String id) {
            return RedisSessionFormat.deleteMessage(id, node, sequence);
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

    private RTopic topic(RedisConnection client, String channel) {
        return format.sharded() ? client.client().getShardedTopic(channel, StringCodec.INSTANCE)
                : client.client().getTopic(channel, StringCodec.INSTANCE);
    }

    /** The subscriptions of one attempt: every channel's, and this node's acknowledgement channel's, on one client. */
    private final class Subscriptions implements StatusListener {
        private final RedisConnection client;
        /** Whether the client was made for these subscriptions, and goes with them. */
        private final boolean owned;
        private final List<RTopic> topics;
        private final RTopic acks;
        private final AtomicBoolean closing = new AtomicBoolean();

        Subscriptions(RedisConnection client, boolean owned) {
            this.client = client;
            this.owned = owned;
            this.topics = format.channels().stream().map(channel -> topic(client, channel)).toList();
            this.acks = topic(client, format.ackChannel(node));
        }

        /** Subscribes every channel; completes once Redis confirmed them all with the listeners in place. */
        CompletableFuture<Void> start() {
            // Removing every listener unsubscribes, so the adds below wait for a fresh confirmation from Redis.
            List<CompletableFuture<Integer>> added = new ArrayList<>();
            added.add(acks.removeAllListenersAsync()
                    .thenCompose(removed -> acks.addListenerAsync(String.class, (channel, message) -> acked(message)))
                    .toCompletableFuture());
            for (RTopic topic : topics) {
                added.add(topic.removeAllListenersAsync()
                        .thenCompose(removed -> topic.addListenerAsync(this))
                        .thenCompose(id -> topic.addListenerAsync(String.class,
                                (channel, message) -> announced(message)))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(added.toArray(CompletableFuture[]::new));
        }

        /** Closes the client made for these subscriptions, in the background. Never throws. */
        void closeLater() {
            Thread closer = new Thread(this::close, "session-store-unsubscriber");
            closer.setDaemon(true);
            closer.start();
        }

        /** Unsubscribes, or closes the client made for these subscriptions; once. Never throws. */
        void close() {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            try {
                if (owned) {
                    client.close();
                    return;
                }
                for (RTopic topic : topics) {
                    topic.removeAllListeners();
                }
                acks.removeAllListeners();
            } catch (RedisException e) {
                // Redis is gone: so are the subscriptions
            }
        }

        /**
         * Redisson subscribes again by itself after a reconnection: once every channel is confirmed again, the feed
         * is subscribed.
         */
        @Override
        public void onSubscribe(String channel) {
            if (current == this && unconfirmed.remove(channel) && unconfirmed.isEmpty() && !closed) {
                confirmed();
            }
        }

        @Override
        public void onUnsubscribe(String channel) {
            if (current == this) {
                lost();
            }
        }
    }
}
