package io.sessionstore.app;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/** Whether Redis answers a trivial script within the client's bounded timeout. Touches no key. */
public final class RedisHealth {

    private final RScript script;

    public RedisHealth(RedissonClient redisson) {
        this.script = redisson.getScript(StringCodec.INSTANCE);
    }

    public boolean isUp() {
        try {
            Object answer = script.eval(RScript.Mode.READ_ONLY, "return 'PONG'", RScript.ReturnType.VALUE);
            return "PONG".equals(answer);
        } catch (RedisException e) {
            return false;
        }
    }
}
