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

/** {@code tomcat-conf/setenv.sh} as {@code catalina.sh} sources it: the pid file and the heap are settings. */
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

    private List<String> sourced(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder shell = new ProcessBuilder("sh", "-c",
                ". tomcat-conf/setenv.sh && echo \"pid=$CATALINA_PID\" && echo \"opts=$CATALINA_OPTS \"");
        shell.environment().keySet().removeAll(List.of("CATALINA_PID", "CATALINA_OPTS", "HEAP_MAX", "HTTP_ADDRESS"));
        shell.environment().put("CATALINA_BASE", base.toString());
        shell.environment().putAll(environment);
        Process process = shell.redirectErrorStream(true).start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output.lines().toList();
    }
}
