package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tomcat-conf/setenv.sh} as {@code catalina.sh} sources it: the pid file, the heap and the trusted proxies are
 * settings.
 */
class SetenvTest {

    @TempDir
    Path base;

    @Test
    void setenv_defaults_pidFileInTheBaseAndA512MegabyteHeap() throws Exception {
        List<String> lines = sourced(Map.of());

        assertEquals("pid=" + base.resolve("tomcat.pid"), lines.get(0));
        assertTrue(lines.get(1).contains(" -Xmx512m "), lines.get(1));
        assertTrue(lines.get(1).contains("-Dhttp.address=127.0.0.1"), lines.get(1));
    }

    @Test
    void setenv_heapMaxAndPidFileGiven_used() throws Exception {
        List<String> lines = sourced(Map.of("HEAP_MAX", "2g", "CATALINA_PID", "/run/node1.pid"));

        assertEquals("pid=/run/node1.pid", lines.get(0));
        assertTrue(lines.get(1).contains(" -Xmx2g "), lines.get(1));
    }

    @Test
    void setenv_heapMaxBelowTheOldInitialHeap_initialHeapTheSameAsTheMaximum() throws Exception {
        List<String> arguments = javaArguments(Map.of("HEAP_MAX", "100m"));

        assertEquals(List.of("-Xms100m", "-Xmx100m"),
                arguments.stream().filter(a -> a.startsWith("-Xms") || a.startsWith("-Xmx")).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "5mm", "m", "-1", "1.5g"})
    void setenv_heapMaxNotAJvmSize_refused(String heapMax) throws Exception {
        Process process = shell(". tomcat-conf/setenv.sh", Map.of("HEAP_MAX", heapMax));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, process.exitValue(), output);
        assertEquals("setenv.sh: HEAP_MAX must be a JVM size such as 512m (digits, then k, m or g), not '" + heapMax
                + "'", output.strip());
    }

    @Test
    void setenv_defaults_loopbackTrustedAndANodeThatCannotBindExits() throws Exception {
        List<String> arguments = javaArguments(Map.of());

        assertTrue(arguments.contains("-Dtrusted.proxies=127\\.\\d+\\.\\d+\\.\\d+|0:0:0:0:0:0:0:1|::1"),
                arguments.toString());
        assertTrue(arguments.contains("-Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true"), arguments.toString());
    }

    @Test
    void setenv_trustedProxiesGiven_oneJavaArgumentThroughCatalinasEval() throws Exception {
        assertTrue(javaArguments(Map.of("TRUSTED_PROXIES", "10\\.0\\.1\\.(10|11) $HOME"))
                .contains("-Dtrusted.proxies=10\\.0\\.1\\.(10|11) $HOME"));
        assertTrue(javaArguments(Map.of("TRUSTED_PROXIES", "")).contains("-Dtrusted.proxies="));
    }

    @Test
    void setenv_trustedProxiesWithAQuote_refused() throws Exception {
        Process process = shell(". tomcat-conf/setenv.sh", Map.of("TRUSTED_PROXIES", "10\\.0\\.0\\.1'"));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, process.exitValue(), output);
        assertEquals("setenv.sh: TRUSTED_PROXIES must not contain a single quote", output.strip());
    }

    @Test
    void setenv_trustedProxiesNotARegularExpression_refused() throws Exception {
        Process process = shell(". tomcat-conf/setenv.sh", Map.of("TRUSTED_PROXIES", "10\\.0\\.1\\.(10|11"));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, process.exitValue(), output);
        assertEquals("setenv.sh: TRUSTED_PROXIES is not a valid regular expression: '10\\.0\\.1\\.(10|11'",
                output.strip());
    }

    private List<String> sourced(Map<String, String> environment) throws IOException, InterruptedException {
        return succeeded(shell(". tomcat-conf/setenv.sh && echo \"pid=$CATALINA_PID\" && echo \"opts=$CATALINA_OPTS \"",
                environment));
    }

    /** The arguments that CATALINA_OPTS gives the JVM, as catalina.sh passes them on: through eval. */
    private List<String> javaArguments(Map<String, String> environment) throws IOException, InterruptedException {
        return succeeded(shell(". tomcat-conf/setenv.sh && eval \"set -- $CATALINA_OPTS\" && printf '%s\\n' \"$@\"",
                environment));
    }

    private Process shell(String script, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder shell = new ProcessBuilder("sh", "-c", script);
        shell.environment().keySet().removeAll(List.of("CATALINA_PID", "CATALINA_OPTS", "HEAP_MAX", "HTTP_ADDRESS",
                "TRUSTED_PROXIES"));
        shell.environment().put("CATALINA_BASE", base.toString());
        shell.environment().putAll(environment);
        Process process = shell.redirectErrorStream(true).start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        return process;
    }

    private static List<String> succeeded(Process process) throws IOException {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output.lines().toList();
    }
}
