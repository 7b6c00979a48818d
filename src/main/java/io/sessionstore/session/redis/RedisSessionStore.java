package io.sessionstore.session.redis;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreFullException;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import io.sessionstore.session.store.UnreadableSessionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.client.RedisException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis, one hash per session, laid out as {@link RedisSessionFormat} describes.
 *
 * <h2>Commands of each call, each one round trip</h2>
 * <ul>
 *   <li>{@link #loadAndTouch}: {@code EVALSHA} of {@link RedisSessionFormat#LOAD}: {@code HGETALL}, then
 *       {@code HSET a} and {@code EXPIRE}</li>
 *   <li>{@link SessionChange.Update}: {@code EVALSHA} of {@link RedisSessionFormat#UPDATE}: {@code EXISTS},
 *       {@code HSET} of the changed attributes, {@code HDEL} of the removed ones, {@code HINCRBY v}, {@code EXPIRE},
 *       {@code PUBLISH}; nothing when the key is gone</li>
 *   <li>{@link SessionChange.Create}: {@code EVALSHA} of {@link RedisSessionFormat#REPLACE}: {@code HSET} of all
 *       fields, {@code EXPIRE}</li>
 *   <li>{@link SessionChange.Rename}: {@link RedisSessionFormat#DELETE} of the old key, then, only if it still
 *       existed, {@link RedisSessionFormat#REPLACE} of the new key: two round trips, as the keys live in two
 *       slots</li>
 *   <li>{@link SessionChange.Delete}: {@link RedisSessionFormat#DELETE} ({@code DEL}, {@code PUBLISH}); with a
 *       near cache's feed, it returns once the nodes it reached acknowledged it (their messages, no round trip)</li>
 *   <li>{@link SessionChange.Replace}: {@code DELETE} and {@code REPLACE} pipelined in one non-atomic batch; two
 *       round trips on a Redis Cluster whose replicas confirm writes</li>
 * </ul>
 * Every write's batch ends with {@code WAIT} when replicas must confirm it ({@link ReplicaAcks}): in the same round
 * trip, which then lasts until a replica has the write. On Redis Cluster the scripts publish nothing: an update and
 * a delete that found its session cost one more round trip, an {@code SPUBLISH} on the session's sharded channel
 * (see {@link RedisSessionFormat}); deletes made in the background and claims are announced without waiting.
 *
 * <h2>In the background</h2>
 * One daemon thread, started by the first touch or write, sends every {@code interval} in one pipelined batch: a
 * {@link RedisSessionFormat#TOUCH} per {@value #SESSIONS_PER_SCRIPT} sessions touched since (coalesced: one touch
 * per session; on Redis Cluster one script per session), whose answers, each session's version or 0 when it is
 * gone, go to the {@linkplain #addTouchListener touch listeners}, a {@code ZADD} to the expiry index per session
 * written under a new id or given a timeout, and a {@code ZREM} from its principal's index per session deleted or
 * claimed. Then, in a second batch, a {@link RedisSessionFormat#VERSIONS} per {@value #SESSIONS_PER_SCRIPT}
 * sessions the {@linkplain #confirmVersions version source} names (not touched by the first), whose answers go to
 * the same listeners. {@link #claimExpired} costs one round trip ({@code ZRANGEBYSCORE} of each index group, pipelined) when nothing is due, three when
 * something is: the claims, then the index cleaned. {@link #close()} sends what is waiting.
 *
 * <p>Scripts go out as {@code EVALSHA}; Redisson falls back to {@code EVAL} when Redis has forgotten them, except in a
 * batch, which this class loads the scripts for and runs again. Every call goes through {@link RedisConnection#call},
 * so no thread keeps anything of Netty's. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    /** Sessions whose touches wait at most for one send. */
    private static final int MAX_WAITING_TOUCHES = 100_000;

    private static final List<String> BATCHED_SCRIPTS = List.of(RedisSessionFormat.DELETE,
            RedisSessionFormat.REPLACE, RedisSessionFormat.UPDATE, RedisSessionFormat.TOUCH, RedisSessionFormat.CLAIM,
            RedisSessionFormat.READ, RedisSessionFormat.VERSIONS);
    /**
     * Sessions that one background {@link RedisSessionFormat#TOUCH} or {@link RedisSessionFormat#VERSIONS} takes:
     * few enough that Redis is busy with one for well under a millisecond. On Redis Cluster one per script, as each
     * key has its own slot.
     */
    private static final int SESSIONS_PER_SCRIPT = 200;
    /** Sessions looked up in one pipelined batch: about 2.6 ms of Redis's time. */
    private static final int LOOKUPS_PER_BATCH = 2_000;

    private final RedisConnection connection;
    private final RScript script;
    private final RedisSessionFormat format;
    private final Duration interval;
    private final RedisInvalidationFeed acknowledgedBy;
    private final ReplicaAcks replicaAcks;
    private final CoalescedWrites waiting = new CoalescedWrites(MAX_WAITING_TOUCHES);
    private final List<TouchListener> touchListeners = new CopyOnWriteArrayList<>();
    private volatile VersionsToConfirm versionSource;
    private volatile ScheduledExecutorService sender;
    private volatile boolean closed;
    /** Whether the last background send was refused by Redis: each streak of refusals is logged once. */
    private volatile boolean sendFailing;
    private volatile RoundTripListener roundTrips = RoundTripListener.NONE;

    /**
     * Starts nothing: the background thread starts with the first touch or write.
     *
     * @param keyPrefix prefix of every key
     * @param grace     how long an expired session's hash is kept for {@link #claimExpired}; also bounds how long
     *                  a session can go without a touch before Redis drops it
     * @param interval  how often touches and index entries are sent; a session counts as expired twice this long
     *                  after its timeout passed since the last access Redis knows of, so that an access not sent
     *                  yet never lets it expire
     */
    public RedisSessionStore(RedisConnection connection, String keyPrefix, Duration grace, Duration interval) {
        this(connection, keyPrefix, grace, interval, null, OptionalInt.empty());
    }

    /**
     * As above, and each delete (a logout, the old id of an id change) returns only once the near caches subscribed
     * to {@code acknowledgedBy}'s announcements dropped the session, or its bound passed (see
     * {@link RedisInvalidationFeed}); and each write only once {@code replicaAcks} replicas confirmed it, within half
     * the connection's timeout (see {@link ReplicaAcks}).
     *
     * @param acknowledgedBy the feed of this node's near cache; null to wait for nobody
     * @param replicaAcks    replicas that confirm each write; empty for {@code auto}: one when the topology has
     *                       replicas
     */
    public RedisSessionStore(RedisConnection connection, String keyPrefix, Duration grace, Duration interval,
                             RedisInvalidationFeed acknowledgedBy, OptionalInt replicaAcks) {
        this.acknowledgedBy = acknowledgedBy;
        this.replicaAcks = new ReplicaAcks(connection, replicaAcks);
        this.connection = connection;
        this.script = connection.client().getScript(ByteArrayCodec.INSTANCE);
        // Touches reach Redis up to an interval late, and a send may take up to another one.
        long lag = 2 * interval.toMillis();
        this.format = new RedisSessionFormat(keyPrefix, (int) Math.ceil((grace.toMillis() + lag) / 1000.0), lag,
                connection.cluster());
        this.interval = interval;
    }

    /**
     * Tells {@code listener} of every round trip this store makes from now on, with the operation it served and how
     * long it took (see {@link RoundTripListener}); replaces the listener told before. Thread-safe.
     */
    public void timeRoundTrips(RoundTripListener listener) {
        this.roundTrips = listener;
    }

    /** The key of a session: for operators and tests. */
    public String key(String id) {
        return format.key(id);
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        String key = format.key(id);
        List<Object> fields = call("load", () -> timed("load", () -> script.eval(key, RScript.Mode.READ_WRITE,
                RedisSessionFormat.LOAD, RScript.ReturnType.MULTI, List.of(key), format.loadArgs(now))));
        return fields.isEmpty() ? Optional.empty() : Optional.of(format.toRecord(id, fields));
    }

    /** {@code HGET} of the session's last-access field: one round trip. */
    @Override
    public OptionalLong lastAccessedTime(String id) {
        String key = format.key(id);
        String accessed = call("last access", () -> timed("last_access", () -> connection.client()
                .<String, String>getMap(key, StringCodec.INSTANCE).get(RedisSessionFormat.ACCESSED)));
        return accessed == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(accessed));
    }

    @Override
    public void touch(String id, long now) {
        if (!waiting.touch(id, now)) {
            log.debug("Too many sessions touched within one interval; a touch was dropped");
        }
        startSender();
    }

    /**
     * Told once per touch sent and per version looked up, after the batch came back: on the background thread, or on
     * the closing one.
     */
    @Override
    public void addTouchListener(TouchListener listener) {
        touchListeners.add(listener);
    }

    /**
     * Looked up after each background send, in a batch of their own; sessions touched by the send are skipped.
     * Replaces the source given before.
     */
    @Override
    public void confirmVersions(VersionsToConfirm source) {
        versionSource = source;
    }

    @Override
    public List<SessionRecord> claimExpired(long now, int max) {
        return call("expiry sweep", () -> {
            Set<String> due = new LinkedHashSet<>();
            for (Object ids : batch("expiry_sweep", batch -> {
                for (String index : format.expiryKeys()) {
                    batch.getScoredSortedSet(index, StringCodec.INSTANCE)
                            .valueRangeAsync(Double.NEGATIVE_INFINITY, true, now, true, 0, max);
                }
            })) {
                for (Object id : (Collection<?>) ids) {
                    due.add((String) id);
                }
            }
            if (due.isEmpty()) {
                return List.of();
            }
            // In random order: nodes that sweep at once then mostly claim different sessions, rather than each
            // losing the same ones to the other and ending its sweep early.
            List<String> candidates = new ArrayList<>(due);
            Collections.shuffle(candidates);
            List<String> ids = candidates.subList(0, Math.min(max, candidates.size()));
            List<?> replies = batch("expiry_sweep", batch -> {
                RScriptAsync batched = batch.getScript(ByteArrayCodec.INSTANCE);
                for (String id : ids) {
                    String key = format.key(id);
                    batched.evalAsync(key, RScript.Mode.READ_WRITE, RedisSessionFormat.CLAIM,
                            RScript.ReturnType.MULTI, List.of(key), format.claimArgs(id, now));
                }
            });
            List<SessionRecord> claimed = new ArrayList<>();
            batch("expiry_sweep", batch -> {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    List<?> reply = (List<?>) replies.get(i);
                    RScoredSortedSetAsync<String> index = batch.getScoredSortedSet(format.expiryKey(id),
                            StringCodec.INSTANCE);
                    if (reply.size() == 1) {
                        // Touched since it was indexed: due later.
                        index.addAsync(Double.parseDouble(new String((byte[]) reply.get(0),
                                StandardCharsets.US_ASCII)), id);
                        continue;
                    }
                    index.removeAsync(id);
                    if (!reply.isEmpty()) {
                        announceLater(id);
                        principalIn(reply).ifPresent(principal -> unindexLater(principal, List.of(id)));
                        toClaimed(id, reply).ifPresent(claimed::add);
                    }
                }
            });
            return claimed;
        });
    }

    @Override
    public WriteResult write(SessionChange change) {
        if (change instanceof SessionChange.Create create) {
            WriteResult result = call("save", () -> replace(create.session()));
            indexed(create.session());
            return result;
        }
        if (change instanceof SessionChange.Update update) {
            String key = format.key(update.id());
            long now = System.currentTimeMillis();
            Optional<String> principal = update.principal().filter(name -> !name.isEmpty());
            Long version = call("save", () -> (Long) writtenIndexed("save", batch -> batch
                    .getScript(ByteArrayCodec.INSTANCE).evalAsync(key, RScript.Mode.READ_WRITE,
                            RedisSessionFormat.UPDATE, RScript.ReturnType.INTEGER, List.of(key),
                            format.updateArgs(update, now)), principal, update.id(), now).get(0));
            if (version == null || version == 0) {
                return WriteResult.GONE;
            }
            if (format.sharded()) {
                announce(update.id(), RedisSessionFormat.message(update.id(), version));
            }
            update.maxInactiveSeconds().ifPresent(seconds -> {
                if (seconds > 0) {
                    index(update.id(), format.dueTime(now, seconds));
                }
            });
            return new WriteResult.Written(version);
        }
        if (change instanceof SessionChange.Delete delete) {
            return ending(delete.id(), () -> call("delete", () -> delete(delete.id())))
                    ? WriteResult.DELETED : WriteResult.GONE;
        }
        if (change instanceof SessionChange.Rename rename) {
            // Two keys, maybe on two cluster nodes: the old one must be gone before the new one is written, and
            // if someone else deleted it first (invalidated on another node), the session stays gone.
            WriteResult result = call("save", () -> delete(rename.oldId())
                    ? replace(rename.session()) : WriteResult.GONE);
            if (result instanceof WriteResult.Written) {
                indexed(rename.session());
            }
            return result;
        }
        if (change instanceof SessionChange.Replace replace) {
            WriteResult result = ending(replace.deletedId(), () -> call("save", () -> deleteAndCreate(replace)));
            indexed(replace.session());
            return result;
        }
        throw new IllegalArgumentException("Unknown change " + change);
    }

    /**
     * Runs a write that deletes the session {@code deletedId}, which the application was told has ended: when Redis
     * does not answer, the delete is sent again in the background until Redis takes it.
     */
    private <T> T ending(String deletedId, Supplier<T> write) {
        try {
            return write.get();
        } catch (SessionStoreUnavailableException e) {
            waiting.delete(deletedId);
            startSender();
            throw e;
        }
    }

    /**
     * Two round trips: {@code ZRANGE} of the principal's index, then the {@link RedisSessionFormat#READ} of each
     * session in one pipelined batch (on a Redis Cluster, one per master, at once); the entries of sessions gone or
     * given another principal are removed in the background. A session that cannot be read stays listed out, and
     * indexed, until its next load deletes it.
     */
    @Override
    public List<SessionRecord> sessionsOf(String principal) {
        String index = format.principalKey(principal);
        List<String> ids = List.copyOf(call("principal lookup", () -> timed("principal_lookup", () -> connection
                .client().<String>getScoredSortedSet(index, StringCodec.INSTANCE).valueRange(0, -1))));
        if (ids.isEmpty()) {
            return List.of();
        }
        List<?> hashes = call("principal lookup", () -> batch("principal_lookup", batch -> {
            RScriptAsync read = batch.getScript(ByteArrayCodec.INSTANCE);
            for (String id : ids) {
                String key = format.key(id);
                read.evalAsync(key, RScript.Mode.READ_ONLY, RedisSessionFormat.READ, RScript.ReturnType.MULTI,
                        List.of(key));
            }
        }));
        List<SessionRecord> live = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            List<?> fields = (List<?>) hashes.get(i);
            if (fields.isEmpty()) {
                stale.add(ids.get(i));
                continue;
            }
            Optional<SessionRecord> record = readable(ids.get(i), fields);
            if (record.isPresent() && principal.equals(record.get().principal())) {
                live.add(record.get());
            } else if (record.isPresent()) {
                stale.add(ids.get(i));
            }
        }
        if (!stale.isEmpty()) {
            unindexLater(principal, stale);
        }
        live.sort(Comparator.comparingLong(SessionRecord::creationTime));
        return live;
    }

    /** Sends what waits, then stops the background thread. Never throws. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            closed = true;
            stopping = sender;
        }
        if (stopping != null) {
            stopping.shutdown();
            try {
                stopping.awaitTermination(interval.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        send();
    }

    /**
     * Sends the touches, index entries and deletes waiting, then, in a batch of its own, the version lookups the
     * {@linkplain #confirmVersions source} asks for: on the background thread, and once more when closing. Never
     * throws, so that the thread lives on.
     */
    void send() {
        Set<String> touched = sendWaiting();
        try {
            lookUpVersions(touched);
        } catch (RuntimeException e) {
            // Copies left unconfirmed are loaded again once their trust runs out; Redis not answering has its own
            // lines (RedisConnection).
            log.debug("Session versions could not be looked up", e);
        }
    }

    /** @return the sessions touched, whose answers confirm their versions */
    private Set<String> sendWaiting() {
        CoalescedWrites.Drained drained = waiting.drain();
        if (drained.isEmpty()) {
            return Set.of();
        }
        List<List<String>> touched = perScript(List.copyOf(drained.touches().keySet()));
        List<String> deletes = List.copyOf(drained.deletes());
        long sentAt = System.currentTimeMillis();
        try {
            List<?> replies = connection.call(() -> batch("touch_batch", batch -> {
                RScriptAsync batched = batch.getScript(ByteArrayCodec.INSTANCE);
                for (List<String> ids : touched) {
                    List<Object> keys = keys(ids);
                    batched.evalAsync((String) keys.get(0), RScript.Mode.READ_WRITE, RedisSessionFormat.TOUCH,
                            RScript.ReturnType.MULTI, keys,
                            format.touchArgs(ids.stream().map(drained.touches()::get).toList()));
                }
                drained.dueTimes().forEach((id, due) -> batch.getScoredSortedSet(format.expiryKey(id),
                        StringCodec.INSTANCE).addAsync(due, id));
                drained.unindexed().forEach((id, principal) -> batch.getScoredSortedSet(
                        format.principalKey(principal), StringCodec.INSTANCE).removeAsync(id));
                deletes.forEach(id -> queueDelete(batch, id, format.deleteArgs(id)));
            }));
            tellVersions(touched, replies, sentAt);
            int firstDelete = replies.size() - deletes.size() * 2;
            for (int i = 0; i < deletes.size(); i++) {
                if (deleted(deletes.get(i), replies, firstDelete + i * 2) > 0) {
                    announceLater(deletes.get(i));
                }
            }
            if (sendFailing) {
                sendFailing = false;
                log.info("Session touches and expiry index entries are sent to Redis again");
            }
        } catch (RuntimeException e) {
            waiting.failed(drained);
            // Redis not answering has its own lines (RedisConnection); a refusal is said here, and its end.
            if (!sendFailing && !RedisConnection.unanswered(e)) {
                sendFailing = true;
                log.warn("Session touches and expiry index entries could not be sent to Redis ({}); the index "
                        + "entries are sent again with the next ones", RedisRefusal.brief(e));
            }
        }
        return drained.touches().keySet();
    }

    /**
     * Looks up the versions of the sessions the source names, less those just touched: one
     * {@link RedisSessionFormat#VERSIONS} per {@value #SESSIONS_PER_SCRIPT} sessions (one per session on Redis
     * Cluster), on the master (a replica may not have the latest version yet), in pipelined batches of
     * {@value #LOOKUPS_PER_BATCH} sessions sent one after another: Redis runs a client's pipelined commands in one
     * go, and a batch of all of them would hold everybody else's commands up for tens of milliseconds.
     */
    private void lookUpVersions(Set<String> touched) {
        VersionsToConfirm source = versionSource;
        if (source == null || closed) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (String id : source.at(System.currentTimeMillis())) {
            if (!touched.contains(id)) {
                ids.add(id);
            }
        }
        for (int from = 0; from < ids.size() && !closed; from += LOOKUPS_PER_BATCH) {
            List<List<String>> groups = perScript(ids.subList(from, Math.min(ids.size(), from + LOOKUPS_PER_BATCH)));
            long sentAt = System.currentTimeMillis();
            List<?> replies = connection.call(() -> batch("version_lookup", batch -> {
                RScriptAsync batched = batch.getScript(ByteArrayCodec.INSTANCE);
                for (List<String> group : groups) {
                    List<Object> keys = keys(group);
                    batched.evalAsync((String) keys.get(0), RScript.Mode.READ_WRITE, RedisSessionFormat.VERSIONS,
                            RScript.ReturnType.MULTI, keys);
                }
            }));
            tellVersions(groups, replies, sentAt);
        }
    }

    /** Tells the touch listeners what the first {@code groups.size()} replies, one list per group, found. */
    private void tellVersions(List<List<String>> groups, List<?> replies, long sentAt) {
        for (int i = 0; i < groups.size(); i++) {
            List<?> versions = (List<?>) replies.get(i);
            if (versions.size() != groups.get(i).size()) {
                throw new IllegalStateException("A script answered " + versions.size() + " versions for "
                        + groups.get(i).size() + " sessions");
            }
            for (int j = 0; j < versions.size(); j++) {
                long version = ((Number) versions.get(j)).longValue();
                for (TouchListener listener : touchListeners) {
                    listener.touched(groups.get(i).get(j), version, sentAt);
                }
            }
        }
    }

    private List<Object> keys(List<String> ids) {
        return ids.stream().<Object>map(format::key).toList();
    }

    /** Sessions in groups of one script each: one per group on Redis Cluster, where each key has its own slot. */
    private List<List<String>> perScript(List<String> ids) {
        int size = connection.cluster() ? 1 : SESSIONS_PER_SCRIPT;
        List<List<String>> groups = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += size) {
            groups.add(ids.subList(from, Math.min(ids.size(), from + size)));
        }
        return groups;
    }

    private void indexed(SessionChange.Snapshot session) {
        if (session.maxInactiveSeconds() > 0) {
            index(session.id(), format.dueTime(session.lastAccessedTime(), session.maxInactiveSeconds()));
        }
    }

    private void index(String id, long due) {
        waiting.index(id, due);
        startSender();
    }

    /** Called on every touch: once the thread runs, a volatile read and no lock. */
    private void startSender() {
        if (sender == null) {
            startSenderOnce();
        }
    }

    private synchronized void startSenderOnce() {
        if (sender != null || closed) {
            return;
        }
        sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "session-store-background");
            thread.setDaemon(true);
            // Not the web application's loader, which the thread would otherwise keep from being collected.
            thread.setContextClassLoader(RedisSessionStore.class.getClassLoader());
            return thread;
        });
        sender.scheduleWithFixedDelay(this::send, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A hash as a record, or empty when it cannot be read: the next load of that session deletes it. */
    private Optional<SessionRecord> readable(String id, List<?> fields) {
        try {
            return Optional.of(format.toRecord(id, List.copyOf(fields)));
        } catch (UnreadableSessionException | SessionStoreUnavailableException e) {
            return Optional.empty();
        }
    }

    /** A claimed hash as a record; a hash that cannot be read was deleted all the same, and is left out. */
    private Optional<SessionRecord> toClaimed(String id, List<?> fields) {
        try {
            return Optional.of(format.toRecord(id, List.copyOf(fields)));
        } catch (UnreadableSessionException | SessionStoreUnavailableException e) {
            log.warn("An expired session cannot be read ({}); it was removed without telling the application",
                    e.getMessage());
            return Optional.empty();
        }
    }

    private WriteResult replace(SessionChange.Snapshot session) {
        writtenIndexed("save", batch -> queueReplace(batch, session), Optional.ofNullable(session.principal()),
                session.id(), session.creationTime());
        return new WriteResult.Written(1);
    }

    /** @return whether the session existed */
    private boolean delete(String id) {
        return acknowledged(id, args -> deleted(id, written("delete", batch -> queueDelete(batch, id, args)), 0)) > 0;
    }

    /**
     * One round trip; two on a Redis Cluster whose replicas confirm writes, where each key's {@code WAIT} must be
     * counted on its own (see {@link ReplicaAcks#perKey}).
     */
    private WriteResult deleteAndCreate(SessionChange.Replace replace) {
        if (replicaAcks.perKey() && replicaAcks.required() > 0) {
            delete(replace.deletedId());
            return replace(replace.session());
        }
        SessionChange.Snapshot session = replace.session();
        acknowledged(replace.deletedId(), args -> deleted(replace.deletedId(), writtenIndexed("save", batch -> {
            queueDelete(batch, replace.deletedId(), args);
            queueReplace(batch, session);
        }, Optional.ofNullable(session.principal()), session.id(), session.creationTime()), 0));
        return new WriteResult.Written(1);
    }

    private void queueReplace(RBatch batch, SessionChange.Snapshot session) {
        String key = format.key(session.id());
        batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, RScript.Mode.READ_WRITE, RedisSessionFormat.REPLACE,
                RScript.ReturnType.INTEGER, List.of(key), format.replaceArgs(session));
    }

    /**
     * Queues a {@link RedisSessionFormat#DELETE} of session {@code id}, preceded by an {@code HGET} of its principal:
     * {@link #deleted} reads both answers.
     */
    private void queueDelete(RBatch batch, String id, Object[] args) {
        String key = format.key(id);
        batch.getMap(key, StringCodec.INSTANCE).getAsync(RedisSessionFormat.PRINCIPAL);
        batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, RScript.Mode.READ_WRITE, RedisSessionFormat.DELETE,
                RScript.ReturnType.INTEGER, List.of(key), args);
    }

    /**
     * The answer of a delete that {@link #queueDelete} queued at {@code at} in a batch whose answers are
     * {@code replies}; when it deleted a session that had a principal, the session leaves the principal's index in
     * the background.
     *
     * @return the script's answer: 0 when the session was gone
     */
    private long deleted(String id, List<?> replies, int at) {
        Object reply = replies.get(at + 1);
        long answer = reply == null ? 0 : ((Number) reply).longValue();
        if (answer > 0 && replies.get(at) instanceof String principal) {
            unindexLater(principal, List.of(id));
        }
        return answer;
    }

    /** The principal of a hash as {@link RedisSessionFormat#CLAIM} returned it. */
    private static Optional<String> principalIn(List<?> fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (RedisSessionFormat.PRINCIPAL.equals(new String((byte[]) fields.get(i), StandardCharsets.UTF_8))) {
                return Optional.of(new String((byte[]) fields.get(i + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private void queueIndex(RBatch batch, String principal, String id, long score) {
        batch.getScoredSortedSet(format.principalKey(principal), StringCodec.INSTANCE).addAsync(score, id);
    }

    /** Removes sessions from a principal's index with the next background send. */
    private void unindexLater(String principal, Collection<String> ids) {
        ids.forEach(id -> waiting.unindex(id, principal));
        startSender();
    }

    /**
     * Runs a write ({@link #written}) and, when {@code principal} is present, adds the session to its index: in the
     * same batch, or just before it on a Redis Cluster whose replicas confirm writes (see {@link ReplicaAcks#perKey}).
     *
     * @param score the session's creation time, or the time the principal was given when that is not known
     * @return the answers of {@code write}'s commands first
     */
    private List<?> writtenIndexed(String operation, Consumer<RBatch> write, Optional<String> principal, String id,
                                   long score) {
        if (principal.isEmpty()) {
            return written(operation, write);
        }
        if (replicaAcks.perKey() && replicaAcks.required() > 0) {
            // The index entry first: if the session's write then fails, the entry of a session that is not there is
            // cleaned when read, while a session left unindexed would escape "log out everywhere".
            written("principal_index", batch -> queueIndex(batch, principal.get(), id, score));
            return written(operation, write);
        }
        return written(operation, batch -> {
            write.accept(batch);
            queueIndex(batch, principal.get(), id, score);
        });
    }

    /**
     * Runs a write's commands as one pipelined batch, followed in the same round trip by a {@code WAIT} for the
     * replicas that must confirm it.
     *
     * @return the commands' answers
     * @throws SessionStoreUnavailableException when too few replicas confirmed it in time
     */
    private List<?> written(String operation, Consumer<RBatch> fill) {
        return timed(operation, () -> replicaAcks.write(BATCHED_SCRIPTS, fill));
    }

    /**
     * Runs a {@link RedisSessionFormat#DELETE} of session {@code id} with the arguments given to {@code delete},
     * announces it on Redis Cluster, then waits for the near caches it reached to acknowledge it, when this store
     * waits for any.
     *
     * @return the script's answer: 0 when the session was gone, else more
     */
    private long acknowledged(String id, Function<Object[], Long> delete) {
        RedisInvalidationFeed.PendingDelete pending = acknowledgedBy == null ? null : acknowledgedBy.deleting();
        try {
            Long reply = delete.apply(pending == null ? format.deleteArgs(id) : pending.deleteArgs(id));
            long answer = reply == null ? 0 : reply;
            if (answer == 0) {
                return 0;
            }
            long published = !format.sharded() ? answer - 1
                    : announce(id, pending == null ? RedisSessionFormat.message(id, 0) : pending.message(id));
            if (pending != null && !pending.await(acknowledgedBy.receivers(published))) {
                log.debug("Not every near cache acknowledged a session delete within the bound");
            }
            return answer;
        } finally {
            if (pending != null) {
                pending.abandon();
            }
        }
    }

    /**
     * Announces a change on its session's sharded channel ({@code SPUBLISH}, one round trip), on Redis Cluster only.
     * Best effort: while the channel's shard fails over, the change stands all the same (sessions on the healthy
     * shards keep working), and the near caches that missed it drop their copy within their trust bound.
     *
     * @return the subscribers reached, or -1 when it could not be sent
     */
    private long announce(String id, String message) {
        try {
            return connection.call(() -> timed("announce", () -> connection.client().getShardedTopic(
                    format.channel(id), StringCodec.INSTANCE).publish(message)));
        } catch (RedisException e) {
            log.debug("A session change could not be announced ({}); near caches drop it within their trust bound",
                    e.getClass().getSimpleName());
            return -1;
        }
    }

    /** Announces a delete made in the background, on Redis Cluster only, without waiting: best effort. */
    private void announceLater(String id) {
        if (format.sharded()) {
            connection.client().getShardedTopic(format.channel(id), StringCodec.INSTANCE)
                    .publishAsync(RedisSessionFormat.message(id, 0));
        }
    }

    /**
     * Runs the commands {@code fill} queues as one pipelined, non-atomic batch (see {@link RedisConnection#batch}):
     * every batch here may run twice, each script being idempotent (a delete, a whole hash written again, a touch, a
     * claim that finds nothing the second time; index entries are set, not added to) or, for an update, not run at
     * all the first time.
     */
    private List<?> batch(String operation, Consumer<RBatch> fill) {
        return timed(operation, () -> connection.batch(BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY), BATCHED_SCRIPTS, fill).getResponses());
    }

    /** Runs one exchange with Redis and tells the {@linkplain #timeRoundTrips listener} how long it took. */
    private <T> T timed(String operation, Supplier<T> exchange) {
        RoundTripListener listener = roundTrips;
        long started = System.nanoTime();
        try {
            return exchange.get();
        } finally {
            listener.roundTrip(operation, System.nanoTime() - started);
        }
    }

    /** Redis's {@code OOM} answer, also when a batch reports it for one of its commands. */
    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisOutOfMemoryException || String.valueOf(t.getMessage()).contains("OOM ")) {
                return true;
            }
        }
        return false;
    }

    private <T> T call(String operation, Supplier<T> command) {
        try {
            return connection.call(command);
        } catch (RedisException e) {
            if (outOfMemory(e)) {
                throw new SessionStoreFullException("Session " + operation + " refused: Redis is at its maxmemory",
                        e);
            }
            // Redisson's message lists the command's arguments, session ids and attribute values among them: not
            // passed on.
            throw new SessionStoreUnavailableException("Session " + operation + " failed: "
                    + RedisRefusal.brief(e), e);
        }
    }
}
