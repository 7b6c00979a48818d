package io.sessionstore.session.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;
import org.redisson.config.BaseConfig;

/**
 * A Redisson file's {@code sslTruststore}, loaded once. Redisson 3.52 loads it again for every connection it makes
 * (24 at a client's first command with its default pool), and a PKCS12 trust store made by {@code keytool} costs
 * about a tenth of a second to load: the first command waited seconds, longer than the command timeout. Loaded here
 * once, the trust store becomes the servers' {@code sslTrustManagerFactory}, which Redisson uses as it is, and
 * {@code sslTruststore} is cleared. Stateless.
 */
final class LoadedTruststore {

    private LoadedTruststore() {
    }

    /**
     * Replaces {@code servers}' {@code sslTruststore} by the trust manager factory it makes; nothing when it has none.
     *
     * @param file the Redisson file, named in the error
     * @throws IOException in one line naming the file, the trust store and what failed (a missing file, a wrong
     *                     {@code sslTruststorePassword}, a file that is not a trust store of {@code sslKeystoreType})
     */
    static void into(BaseConfig<?> servers, Path file) throws IOException {
        if (servers.getSslTruststore() == null) {
            return;
        }
        String password = servers.getSslTruststorePassword();
        try (InputStream in = servers.getSslTruststore().openStream()) {
            KeyStore store = KeyStore.getInstance(servers.getSslKeystoreType() != null
                    ? servers.getSslKeystoreType() : KeyStore.getDefaultType());
            store.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            servers.setSslTrustManagerFactory(trust);
            servers.setSslTruststore(null);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException(file + ": the trust store of sslTruststore (" + servers.getSslTruststore()
                    + ") cannot be loaded (" + e.getMessage() + "): check the file and sslTruststorePassword", e);
        }
    }
}
