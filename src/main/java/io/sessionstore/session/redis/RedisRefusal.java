package io.sessionstore.session.redis;

import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What an operator must change when Redis cannot be used, in one line: Redis's own answer ({@code NOAUTH},
 * {@code WRONGPASS}, {@code NOPERM}, a database that does not exist) or the TLS handshake's (a certificate that Java
 * does not trust, a certificate for another name, no TLS at all), rather than "Redis is down" for every kind of
 * refusal. Never quotes a password. Stateless.
 */
public final class RedisRefusal {

    /** An error reply's code: a word of capitals at the start of a reply (RESP simple error). */
    private static final Pattern ERROR_CODE = Pattern.compile("\\b(ERR|NOPERM|NOAUTH|WRONGPASS|WRONGTYPE) ");

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
        String redis = sentenceStart(subject(settings));
        String setting = settings.configFile() != null ? "the password in " + settings.configFile()
                : "REDIS_URL's user:password (percent-encoded)";
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            String upper = message.toUpperCase(Locale.ROOT);
            if (upper.contains("CALLED WITHOUT ANY PASSWORD CONFIGURED")) {
                return redis + " has no password, yet " + (settings.configFile() != null ? settings.configFile()
                        + " sets one: remove the password from it" : "REDIS_URL gives one: remove its user:password@");
            }
            if (upper.contains("NOAUTH") || upper.contains("AUTHENTICATION REQUIRED")) {
                return redis + " requires a password (NOAUTH): set " + setting;
            }
            if (upper.contains("WRONGPASS") || upper.contains("INVALID PASSWORD")
                    || upper.contains("INVALID USERNAME-PASSWORD")) {
                return redis + " refused the user or password (WRONGPASS): check " + setting;
            }
            if (upper.contains("NOPERM")) {
                return redis + " refused a command to this user (" + reply(message) + "): its ACL "
                        + "must allow EVAL, EVALSHA, SCRIPT, PING, INFO, the hash, sorted set and pub/sub commands "
                        + "on the key prefix";
            }
            if (upper.contains("DB INDEX IS OUT OF RANGE") || upper.contains("INVALID DB INDEX")) {
                return redis + " has no such database (" + reply(message) + "): use a database number below its "
                        + "'databases' setting (16 by default), " + (settings.configFile() != null
                        ? "as 'database:' in " + settings.configFile()
                        : "in REDIS_URL (" + scheme(settings) + "://host:port/0)");
            }
        }
        String tls = tlsFailure(settings, failure);
        if (tls != null) {
            return tls;
        }
        return "Cannot reach " + subject(settings) + ". Start it (for example: redis-server --daemonize yes) or point "
                + "REDIS_URL at it";
    }

    /**
     * The line for a TLS handshake that failed, or null when {@code failure} is none. The certificate's problem is
     * looked for first, anywhere in the causes, since the outer causes only quote it: a CA that Java does not trust
     * (the JDK's "PKIX path building failed: ... unable to find valid certification path to requested target" with
     * its default trust store, "PKIX path validation failed: ... Path does not chain with any of the trust anchors"
     * with a trust store of Redisson's {@code sslTruststore}), or
     * a certificate for another name than the one connected to (the JDK's "No subject alternative names matching
     * ...", checked because Redisson verifies the name by default, {@code sslVerificationMode: STRICT}). Anything
     * else is most often a plain-text Redis on a {@code rediss://} port.
     */
    private static String tlsFailure(RedisSettings settings, Throwable failure) {
        String redis = sentenceStart(subject(settings));
        Path file = settings.configFile();
        boolean handshake = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof CertPathBuilderException || message.contains("unable to find valid certification path")
                    || message.contains("does not chain with any of the trust anchors")) {
                return redis + " presented a TLS certificate that Java does not trust (" + rootLine(t)
                        + "): give Java the CA that signed it, " + (file != null ? "in a trust store named by "
                        + "sslTruststore and sslTruststorePassword in " + file + " or " : "in ")
                        + "the JVM's trust store (-Djavax.net.ssl.trustStore; see the README's 'Redis over TLS')";
            }
            if (t instanceof CertificateException && message.startsWith("No ") && message.contains(" matching ")) {
                return redis + " presented a TLS certificate for another name (" + firstLine(message)
                        + "): connect to it by a name its certificate lists (its subject alternative names)"
                        + (file != null ? ", or set sslVerificationMode: CA_ONLY in " + file + " to check only the "
                        + "CA that signed it" : "");
            }
            handshake |= t instanceof SSLException || message.toUpperCase(Locale.ROOT).contains("SSL")
                    || message.toUpperCase(Locale.ROOT).contains("HANDSHAKE");
        }
        if (!handshake) {
            return null;
        }
        return "The TLS handshake with " + subject(settings) + " failed (" + rootLine(failure) + "): rediss:// needs "
                + "a Redis that speaks TLS on that port, with a valid certificate; use redis:// for a plain-text Redis";
    }

    /**
     * The refusal in a failed command's message, for a log line: Redis's error reply (its code and words) when the
     * message carries one, such as {@code NOPERM User app has no permissions to run the 'evalsha' command}; else
     * the exception's class. Never the command's arguments, which Redisson's message lists after the reply.
     */
    public static String brief(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (ERROR_CODE.matcher(message).find()) {
                return reply(message);
            }
        }
        return failure.getClass().getSimpleName();
    }

    /**
     * Redis's reply in a Redisson message: from its error code ({@code ERR}, {@code NOPERM}, ...), past any exception
     * class an outer message quotes, to before the channel and command Redisson appends.
     */
    private static String reply(String message) {
        Matcher code = ERROR_CODE.matcher(message);
        String reply = code.find() ? message.substring(code.start()) : message;
        int channel = reply.indexOf(". channel:");
        return firstLine(channel < 0 ? reply : reply.substring(0, channel));
    }

    private static String scheme(RedisSettings settings) {
        return settings.url().startsWith("rediss:") ? "rediss" : "redis";
    }

    /** How a line names the Redis: by its URL without the password, or by the file that names it. */
    private static String subject(RedisSettings settings) {
        return settings.configFile() != null ? "the Redis named in " + settings.configFile()
                : "Redis at " + settings.describe();
    }

    private static String sentenceStart(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** The first line of the innermost cause's message: what TLS itself answered. */
    private static String rootLine(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse(message).strip();
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
