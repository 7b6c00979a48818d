package io.sessionstore.session.redis;

import io.sessionstore.session.store.SessionChange;
import io.sessionstore.session.store.SessionRecord;
import io.sessionstore.session.store.SessionStore;
import io.sessionstore.session.store.SessionStoreUnavailableException;
import io.sessionstore.session.store.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.client.RedisException;
import org.redisson.client.codec.ByteArrayCodec;

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
 *   <li>{@link SessionChange.Create}: {@code EVALSHA} of {@link RedisSessionFormat#REPLACE}: {@code DEL},
 *       {@code HSET} of all fields, {@code EXPIRE}</li>
 *   <li>{@link SessionChange.Rename}: {@link RedisSessionFormat#DELETE} of the old key, then, only if it still
 *       existed, {@link RedisSessionFormat#REPLACE} of the new key: two round trips, as the keys live in two
 *       slots</li>
 *   <li>{@link SessionChange.Delete}: {@link RedisSessionFormat#DELETE} ({@code DEL}, {@code PUBLISH})</li>
 *   <li>{@link SessionChange.Replace}: {@code DELETE} and {@code REPLACE} pipelined in one non-atomic batch</li>
 * </ul>
 * Scripts go out as {@code EVALSHA}; Redisson falls back to {@code EVAL} when Redis has forgotten them, except in a
 * batch, which this class loads the scripts for and runs again. Every call
 * goes through {@link RedisConnection#call}, so request threads keep nothing of Netty's. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {

    private final RedisConnection connection;
    private final RScript script;
    private final RedisSessionFormat format;

    /**
     * @param keyPrefix prefix of every key
     * @param grace     added to every session's TTL: a near cache in front serves sessions without renewing their
     *                  expiry for up to its maximum age, so the key must outlive the timeout by that much
     */
    public RedisSessionStore(RedisConnection connection, String keyPrefix, Duration grace) {
        this.connection = connection;
        this.script = connection.client().getScript(ByteArrayCodec.INSTANCE);
        this.format = new RedisSessionFormat(keyPrefix, (int) Math.ceil(grace.toMillis() / 1000.0));
    }

    /** The key of a session: for operators and tests. */
    public String key(String id) {
        return format.key(id);
    }

    @Override
    public Optional<SessionRecord> loadAndTouch(String id, long knownVersion, long now) {
        String key = format.key(id);
        List<Object> fields = call("load", () -> script.eval(key, RScript.Mode.READ_WRITE, RedisSessionFormat.LOAD,
                RScript.ReturnType.MULTI, List.of(key), format.loadArgs(now)));
        return fields.isEmpty() ? Optional.empty() : Optional.of(format.toRecord(id, fields));
    }

    @Override
    public WriteResult write(SessionChange change) {
        if (change instanceof SessionChange.Create create) {
            return call("save", () -> replace(create.session()));
        }
        if (change instanceof SessionChange.Update update) {
            String key = format.key(update.id());
            Long version = call("save", () -> script.eval(key, RScript.Mode.READ_WRITE, RedisSessionFormat.UPDATE,
                    RScript.ReturnType.INTEGER, List.of(key), format.updateArgs(update)));
            return version == null || version == 0 ? WriteResult.GONE : new WriteResult.Written(version);
        }
        if (change instanceof SessionChange.Delete delete) {
            call("delete", () -> delete(delete.id()));
            return WriteResult.DELETED;
        }
        if (change instanceof SessionChange.Rename rename) {
            // Two keys, maybe on two cluster nodes: the old one must be gone before the new one is written, and
            // if someone else deleted it first (invalidated on another node), the session stays gone.
            return call("save", () -> delete(rename.oldId()) ? replace(rename.session()) : WriteResult.GONE);
        }
        if (change instanceof SessionChange.Replace replace) {
            return call("save", () -> deleteAndCreate(replace, true));
        }
        throw new IllegalArgumentException("Unknown change " + change);
    }

    private WriteResult replace(SessionChange.Snapshot session) {
        String key = format.key(session.id());
        script.eval(key, RScript.Mode.READ_WRITE, RedisSessionFormat.REPLACE, RScript.ReturnType.INTEGER,
                List.of(key), format.replaceArgs(session));
        return new WriteResult.Written(1);
    }

    private boolean delete(String id) {
        String key = format.key(id);
        Long deleted = script.eval(key, RScript.Mode.READ_WRITE, RedisSessionFormat.DELETE,
                RScript.ReturnType.INTEGER, List.of(key), format.deleteArgs(id));
        return deleted != null && deleted > 0;
    }

    /** @param mayReload whether a NOSCRIPT answer may load the scripts and run the batch once more */
    private WriteResult deleteAndCreate(SessionChange.Replace replace, boolean mayReload) {
        RBatch batch = connection.client().createBatch(BatchOptions.defaults()
                .executionMode(BatchOptions.ExecutionMode.IN_MEMORY));
        RScriptAsync batched = batch.getScript(ByteArrayCodec.INSTANCE);
        String deleted = format.key(replace.deletedId());
        batched.evalAsync(deleted, RScript.Mode.READ_WRITE, RedisSessionFormat.DELETE, RScript.ReturnType.INTEGER,
                List.of(deleted), format.deleteArgs(replace.deletedId()));
        String created = format.key(replace.session().id());
        batched.evalAsync(created, RScript.Mode.READ_WRITE, RedisSessionFormat.REPLACE, RScript.ReturnType.INTEGER,
                List.of(created), format.replaceArgs(replace.session()));
        try {
            batch.execute();
        } catch (RedisException e) {
            if (!mayReload || !String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                throw e;
            }
            // A batch sends EVALSHA without falling back to EVAL, and Redis forgets scripts on a restart, a
            // failover or SCRIPT FLUSH. Both scripts are idempotent (a delete, and a whole hash written again), so
            // loading them and running the batch once more is safe.
            script.scriptLoad(RedisSessionFormat.DELETE); // on every master
            script.scriptLoad(RedisSessionFormat.REPLACE);
            return deleteAndCreate(replace, false);
        }
        return new WriteResult.Written(1);
    }

    private <T> T call(String operation, Supplier<T> command) {
        try {
            return connection.call(command);
        } catch (RedisException e) {
            // Redisson's message lists the command's arguments, session ids and attribute values among them: not
            // passed on.
            throw new SessionStoreUnavailableException("Session " + operation + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
