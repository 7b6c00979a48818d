package io.sessionstore.session.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors in a Redisson file name the file, and the line, column and key as the user wrote them, in one line
 * ({@link RedissonFile}, {@link LoadedTruststore}, {@link RedisSettings}). No Redis: the client connects lazily.
 */
class RedissonFileTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    @TempDir
    Path dir;

    @Test
    void read_misspelledServerKey_namesFileLineKeyAndTheNearestKnownOne() throws Exception {
        Path file = write("# One Redis server.\n"
                + "singleServerConfig:\n"
                + "  address: \"redis://127.0.0.1:6379\"\n"
                + "  adress: \"redis://127.0.0.1:6380\"\n");

        assertRefused(file, "line 4, column 3: unknown key singleServerConfig.adress (did you mean address?)");
    }

    @Test
    void read_unknownTopLevelSection_namesItsLineNotTheLineOfItsFirstKey() throws Exception {
        Path file = write("threads: 4\n"
                + "\n"
                + "singleServerConfigg:\n"
                + "  address: \"redis://127.0.0.1:6379\"\n");

        assertRefused(file, "line 3, column 1: unknown key singleServerConfigg (did you mean singleServerConfig?)");
    }

    @Test
    void read_keyOfAnotherKindOfServer_unknownWithoutASuggestion() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "  address: \"redis://127.0.0.1:6379\"\n"
                + "  readMode: \"MASTER\"\n");

        assertRefused(file, "line 3, column 3: unknown key singleServerConfig.readMode");
    }

    @Test
    void read_numberThatIsNot_namesLineColumnKeyAndValue() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "  address: \"redis://127.0.0.1:6379\"\n"
                + "  # the answer's bound\n"
                + "  timeout: abc\n");

        assertRefused(file, "line 4, column 12: singleServerConfig.timeout: 'abc' is not a whole number");
    }

    @Test
    void read_valueOfAnEnumThatIsNone_listsTheAllowedValues() throws Exception {
        Path file = write("clusterServersConfig:\n"
                + "  nodeAddresses:\n"
                + "    - \"redis://127.0.0.1:7001\"\n"
                + "  readMode: \"REPLICA\"\n");

        assertRefused(file, "line 4, column 13: clusterServersConfig.readMode: 'REPLICA' is not one of SLAVE, "
                + "MASTER, MASTER_SLAVE");
    }

    @Test
    void read_listWhereANumberGoes_namesTheKey() throws Exception {
        Path file = write("clusterServersConfig:\n"
                + "  nodeAddresses:\n"
                + "    - \"redis://127.0.0.1:7001\"\n"
                + "  scanInterval: [1000]\n");

        assertRefused(file, "line 4, column 17: clusterServersConfig.scanInterval: expected a whole number");
    }

    @Test
    void read_truststoreAsAPathNotAUrl_saysHowToWriteAFile() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "  address: \"rediss://127.0.0.1:6379\"\n"
                + "  sslTruststore: \"/etc/session-store/redis-ca.p12\"\n");

        assertRefused(file, "line 3, column 18: singleServerConfig.sslTruststore: '/etc/session-store/redis-ca.p12' "
                + "is not a URL (a file is file:/path/to/it)");
    }

    @Test
    void read_badIndentation_namesTheLineOfTheProblemInTheYamlParsersWords() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "  address: \"redis://127.0.0.1:6379\"\n"
                + "   timeout: 5\n");

        assertRefused(file, "line 3, column 4: not valid YAML (expected <block end>, but found "
                + "'<block mapping start>')");
    }

    @Test
    void read_tabIndentation_notValidYamlAtTheTab() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "\taddress: \"redis://127.0.0.1:6379\"\n");

        assertRefused(file, "line 2, column 1: not valid YAML (found character '\\t(TAB)' that cannot start any "
                + "token. (Do not use \\t(TAB) for indentation))");
    }

    @Test
    void read_emptyFile_saysWhatItNeeds() throws Exception {
        Path file = write("# nothing yet\n");

        assertRefused(file, "the file is empty; it needs a server section such as singleServerConfig (examples in "
                + "tomcat-conf/redisson/)");
    }

    @Test
    void read_listInsteadOfSections_saysWhatItNeeds() throws Exception {
        Path file = write("- singleServerConfig\n");

        assertRefused(file, "the file is not a YAML mapping; it needs a server section such as singleServerConfig "
                + "(examples in tomcat-conf/redisson/)");
    }

    @Test
    void read_notUtf8_saysSo() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "singleServerConfig:\n  password: \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));

        assertRefused(file, "not UTF-8 text; save it as UTF-8");
    }

    @Test
    void read_fileGoneSinceTheSettingsWereMade_namesIt() throws Exception {
        Path file = write("singleServerConfig:\n  address: \"redis://127.0.0.1:6379\"\n");
        RedisSettings settings = new RedisSettings(null, file, TIMEOUT);
        Files.delete(file);

        IOException e = assertThrows(IOException.class, () -> RedisConnection.open(settings));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void settings_missingFileOrAFolder_refusedNamingThePath() {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(missing + ": no such file", assertThrows(IllegalArgumentException.class,
                () -> new RedisSettings(null, missing, TIMEOUT)).getMessage());
        assertEquals(dir + ": a folder, not a Redisson YAML file", assertThrows(IllegalArgumentException.class,
                () -> new RedisSettings(null, dir, TIMEOUT)).getMessage());
    }

    @Test
    void open_addressWithoutScheme_redissonsRefusalNamesTheFile() throws Exception {
        Path file = write("singleServerConfig:\n  address: \"127.0.0.1:6379\"\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisConnection.open(new RedisSettings(null, file, TIMEOUT)));
        assertEquals(file + ": Redis url should start with redis:// or rediss:// (for SSL connection)",
                e.getMessage());
    }

    @Test
    void open_truststoreWithAnotherPassword_namesFileAndTruststore() throws Exception {
        Path truststore = dir.resolve("redis-ca.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            store.store(out, "right".toCharArray());
        }
        Path file = write("singleServerConfig:\n"
                + "  address: \"rediss://127.0.0.1:6379\"\n"
                + "  sslTruststore: \"" + truststore.toUri() + "\"\n"
                + "  sslTruststorePassword: \"wrong\"\n");

        IOException e = assertThrows(IOException.class,
                () -> RedisConnection.open(new RedisSettings(null, file, TIMEOUT)));
        assertEquals(file + ": the trust store of sslTruststore (" + truststore.toUri().toURL() + ") cannot be loaded "
                + "(Integrity check failed: java.security.UnrecoverableKeyException: Failed PKCS12 integrity "
                + "checking): check the file and sslTruststorePassword", e.getMessage());
    }

    @Test
    void read_placeholders_resolvedFromSystemPropertiesOrTheirDefaultsAsRedissonDoes() throws Exception {
        Path file = write("singleServerConfig:\n"
                + "  address: \"redis://${session_store.test.unset:-127.0.0.1}:6379\"\n"
                + "  timeout: ${session_store.test.timeout}\n");
        System.setProperty("session_store.test.timeout", "1234");
        try {
            RedisConnection.ConnectionBounds config = RedisConnection.config(new RedisSettings(null, file, TIMEOUT));
            assertEquals("redis://127.0.0.1:6379", config.useSingleServer().getAddress());
            assertEquals(1234, config.useSingleServer().getTimeout());
        } finally {
            System.clearProperty("session_store.test.timeout");
        }
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("redisson.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static void assertRefused(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> RedissonFile.read(file));
        assertEquals(file + ": " + expected, e.getMessage());
    }
}
