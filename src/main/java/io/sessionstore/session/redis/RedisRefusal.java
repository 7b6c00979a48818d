package io.sessionstore.session.redis;

import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * What an operator must change when Redis cannot be used, in one line: Redis's own answer ({@code NOAUTH},
 * {@code WRONGPASS}, {@code NOPERM}, a database that does not exist) or the TLS handshake's, rather than "Redis is
 * down" for every kind of refusal. Never quotes a password. Stateless.
 */
public final class RedisRefusal {

    private RedisRefusal() {
    }

    /**
     * The line for a failure of a first command.
     *
     * @param settings how the client reached for Redis: named in the line, without its password
     * @param failure  what the command threw
     * @return one line, without a trailing period
     */
    public static String describe(RedisSettings settings, Throwable failure) {
        String where = settings.describe();
        String setting = settings.configFile() != null ? "the password in " + settings.configFile()
                : "REDIS_URL's user:password (percent-encoded)";
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            String upper = message.toUpperCase(Locale.ROOT);
            if (upper.contains("NOAUTH") || upper.contains("AUTHENTICATION REQUIRED")) {
                return "Redis at " + where + " requires a password (NOAUTH): set " + setting;
            }
            if (upper.contains("WRONGPASS") || upper.contains("INVALID PASSWORD")
                    || upper.contains("INVALID USERNAME-PASSWORD")) {
                return "Redis at " + where + " refused the user or password (WRONGPASS): check " + setting;
            }
            if (upper.contains("NOPERM")) {
                return "Redis at " + where + " refused a command to this user (" + firstLine(message) + "): its ACL "
                        + "must allow EVAL, EVALSHA, SCRIPT, PING, INFO, the hash, sorted set and pub/sub commands "
                        + "on the key prefix";
            }
            if (upper.contains("DB INDEX IS OUT OF RANGE") || upper.contains("INVALID DB INDEX")) {
                return "Redis at " + where + " has no such database (" + firstLine(message) + "): use a database "
                        + "number below its 'databases' setting (16 by default) in REDIS_URL (redis://host:port/0)";
            }
            if (t instanceof SSLException || upper.contains("SSL") || upper.contains("HANDSHAKE")) {
                return "The TLS handshake with Redis at " + where + " failed (" + firstLine(message) + "): a "
                        + "rediss:// URL needs a Redis that speaks TLS on that port, and a certificate that Java "
                        + "trusts (see the README's TLS section); use redis:// for a plain-text Redis";
            }
        }
        return "Cannot reach Redis at " + where + ". Start it (for example: redis-server --daemonize yes) or point "
                + "REDIS_URL at it";
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse(message).strip();
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
