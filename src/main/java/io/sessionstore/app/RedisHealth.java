package io.sessionstore.app;

import io.sessionstore.session.redis.RedisConnection;
import org.redisson.api.RScript;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/** Whether Redis answers a trivial script within the client's bounded timeout. Touches no key. */
public final class RedisHealth {

    private final RedisConnection connection;
    private final RScript script;

    public RedisHealth(RedisConnection connection) {
        this.connection = connection;
        this.script = connection.client().getScript(StringCodec.INSTANCE);
    }

    public boolean isUp() {
        try {
            Object answer = connection.call(() -> script.eval(RScript.Mode.READ_ONLY, "return 'PONG'",
                    RScript.ReturnType.VALUE));
            return "PONG".equals(answer);
        } catch (RedisException e) {
            return false;
        }
    }
}
