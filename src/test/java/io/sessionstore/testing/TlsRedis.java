package io.sessionstore.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A {@code redis-server} child process of this test that speaks TLS only, on a free loopback port, with a password,
 * as a managed TLS endpoint does (ElastiCache with in-transit encryption and an auth token). Its certificate is made
 * at start with {@code openssl}, in a temporary folder: a CA of its own, and a server certificate signed by that CA
 * for the subject alternative name given ({@code IP:127.0.0.1} for one that matches the address clients use). The
 * folder also holds a PKCS12 trust store with that CA, made with the JDK's {@code keytool} by the README's command.
 * Not thread-safe; {@link #close()} stops the process by its pid and deletes the folder.
 */
public final class TlsRedis implements AutoCloseable {

    /** The {@code requirepass} of every instance. */
    public static final String PASSWORD = "tls-s3cret";
    /** The password of {@link #truststore()}. */
    public static final String TRUSTSTORE_PASSWORD = "changeit";

    private final Path dir;
    private final int port;
    private final Process process;

    private TlsRedis(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Makes the certificates and starts the server; returns once it accepts connections.
     *
     * @param subjectAltName the server certificate's {@code subjectAltName}, in openssl's form: {@code IP:127.0.0.1}
     *                       or {@code DNS:redis.invalid}
     * @throws IllegalStateException when openssl, keytool or redis-server fail, with their output
     */
    public static TlsRedis start(String subjectAltName) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("session-store-tls-redis-");
        makeCertificates(dir, subjectAltName);
        int port = FreePorts.one();
        Process process = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port),
                "--bind", "127.0.0.1", "--tls-cert-file", dir.resolve("redis.crt").toString(),
                "--tls-key-file", dir.resolve("redis.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no",
                "--requirepass", PASSWORD, "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        TlsRedis redis = new TlsRedis(dir, port, process);
        redis.awaitListening();
        return redis;
    }

    /** {@code rediss://:<password>@127.0.0.1:<port>}. */
    public String url() {
        return "rediss://:" + PASSWORD + "@127.0.0.1:" + port;
    }

    /** {@code rediss://127.0.0.1:<port>}, for a Redisson file's {@code address}. */
    public String address() {
        return "rediss://127.0.0.1:" + port;
    }

    /** The CA that signed the server's certificate, PEM. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** A PKCS12 trust store holding {@link #caCertificate()}, with the password {@link #TRUSTSTORE_PASSWORD}. */
    public Path truststore() {
        return dir.resolve("redis-ca.p12");
    }

    /** A folder of the test's own files, deleted with the server. */
    public Path dir() {
        return dir;
    }

    private static void makeCertificates(Path dir, String subjectAltName) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=" + subjectAltName + "\n"
                + "extendedKeyUsage=serverAuth\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=session-store test CA");
        run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "redis.key", "-out", "redis.csr", "-subj", "/CN=session-store test Redis");
        run(dir, "openssl", "x509", "-req", "-in", "redis.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "redis.crt", "-days", "2", "-extfile", "server.ext");
        // The README's command, with the JDK that runs the tests.
        run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "redis-ca", "-file", "ca.crt", "-keystore", "redis-ca.p12", "-storetype", "PKCS12",
                "-storepass", TRUSTSTORE_PASSWORD);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", List.of(command)) + " failed: " + output);
        }
    }

    /** A TCP connection is accepted once Redis listens; the handshake itself is the test's business. */
    private void awaitListening() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        String log = Files.readString(dir.resolve("redis.log"));
        close();
        throw new IllegalStateException("redis-server did not listen for TLS on port " + port + ": " + log);
    }

    /** Stops the server (by its pid: SIGTERM) and deletes its folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor();
        Folders.delete(dir);
    }
}
