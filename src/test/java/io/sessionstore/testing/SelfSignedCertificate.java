package io.sessionstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate for {@code 127.0.0.1} and {@code localhost}, signed by its own key, made by {@code openssl} when a
 * test starts: PEM files for a server, and an {@link SSLContext} that trusts it for the client.
 */
public final class SelfSignedCertificate {

    private final Path certificate;
    private final Path key;

    private SelfSignedCertificate(Path certificate, Path key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Makes {@code cert.pem} and {@code key.pem} (P-256, valid one day) in {@code dir}. */
    public static SelfSignedCertificate make(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path certificate = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", certificate.toString())
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make a certificate:\n" + output);
        }
        return new SelfSignedCertificate(certificate, key);
    }

    public Path certificate() {
        return certificate;
    }

    public Path key() {
        return key;
    }

    /** TLS for a client that trusts this certificate, and nothing else. */
    public SSLContext trustingContext() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(certificate)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(pem);
            trusted.setCertificateEntry("self-signed", cert);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }
}
