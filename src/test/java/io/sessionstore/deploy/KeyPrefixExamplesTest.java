package io.sessionstore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sessionstore.session.SessionSettings;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code KEY_PREFIX} examples of {@code tomcat-conf/}, commented out: uncommenting one must not move the demo's
 * sessions to another prefix, so each shows the demo's default, that of its display name, deployed as ROOT.
 */
class KeyPrefixExamplesTest {

    @Test
    void contextXmlAndSetenv_keyPrefixExamples_theDemosDefault() throws IOException {
        ServletContext demo = mock(ServletContext.class);
        when(demo.getServletContextName()).thenReturn(only("<display-name>([^<]*)</display-name>",
                "webapp/WEB-INF/web.xml"));
        when(demo.getContextPath()).thenReturn("");
        String prefix = SessionSettings.applicationKeyPrefix(demo);

        assertEquals(prefix, only("<Parameter name=\"KEY_PREFIX\" value=\"([^\"]*)\"", "tomcat-conf/context.xml"));
        assertEquals(prefix, only("KEY_PREFIX=(\\S+)", "tomcat-conf/setenv.sh"));
    }

    private static String only(String regex, String file) throws IOException {
        Matcher matcher = Pattern.compile(regex).matcher(Files.readString(Path.of(file)));
        assertTrue(matcher.find(), regex + " in " + file);
        String value = matcher.group(1);
        assertFalse(matcher.find(), "one " + regex + " in " + file);
        return value;
    }
}
