package io.sessionstore.session.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.TestTomcat;
import io.sessionstore.testing.WebClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/**
 * The README shows {@link SessionsListener} as the way to wire the library into another application: the code in the
 * README is the code of that class, and it gives an application Redis sessions.
 */
@NeedsRedis
class ReadmeExampleTest {

    @Test
    void readme_showsTheExampleListenerVerbatim() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> example = Files.readAllLines(
                Path.of("src/test/java/io/sessionstore/session/readme/SessionsListener.java"));
        String body = String.join("\n", example.subList(example.indexOf("    // README begin") + 1,
                example.indexOf("    // README end")));
        assertTrue(readme.contains(body.stripIndent()), "README.md must show, verbatim:\n" + body.stripIndent());
    }

    @Test
    void exampleListener_otherApplication_sessionsLiveInRedis() throws Exception {
        String prefix = TestRedis.uniquePrefix("readme");
        TestTomcat tomcat = TestTomcat.create();
        Context context = tomcat.addRootContext();
        context.addParameter("REDIS_URL", TestRedis.url());
        context.addParameter("KEY_PREFIX", prefix);
        context.addApplicationListener(SessionsListener.class.getName());
        Tomcat.addServlet(context, "cart", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                Integer items = (Integer) request.getSession().getAttribute("items");
                request.getSession().setAttribute("items", items == null ? 1 : items + 1);
                response.getWriter().print(request.getSession().getAttribute("items"));
            }
        });
        context.addServletMappingDecoded("/cart", "cart");
        tomcat.start();
        try (RespClient redis = new RespClient(TestRedis.url())) {
            String url = tomcat.url("/cart");
            WebClient browser = new WebClient();
            assertEquals("1", browser.get(url).body());
            assertEquals("2", browser.get(url).body());
            String id = browser.cookie("SESSION");
            assertEquals(1, redis.number("EXISTS", prefix + "session:{" + id + "}"), "the session is in Redis");
            redis.deleteKeys(prefix);
        } finally {
            tomcat.close();
        }
    }
}
