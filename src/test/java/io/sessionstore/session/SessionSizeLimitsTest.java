package io.sessionstore.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.TestTomcat;
import io.sessionstore.testing.WebClient;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values over the size limits, on a real Redis: refused where the application sets them, with the limit and the
 * setting named, never answered as if Redis were down; values with many elements within the limit are stored.
 */
@NeedsRedis
class SessionSizeLimitsTest {

    private static String prefix;
    private static RespClient redis;
    private static RedisConnection connection;
    private static TestTomcat tomcat;
    private final WebClient browser = new WebClient();

    @BeforeAll
    static void start() throws Exception {
        prefix = TestRedis.uniquePrefix("size-limits");
        redis = new RespClient(TestRedis.url());
        SessionSettings settings = SessionSettings.builder().redisUrl(TestRedis.url()).keyPrefix(prefix).build();
        connection = RedisConnection.open(settings.redis());
        tomcat = TestTomcat.create();
        Context context = tomcat.addRootContext();
        TestTomcat.filterEveryPath(context, new SessionFilter(settings, connection), DispatcherType.REQUEST);
        Tomcat.addServlet(context, "values", new ValueServlet());
        context.addServletMappingDecoded("/*", "values");
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (connection != null) {
                connection.close();
            }
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            if (redis != null) {
                redis.deleteKeys(prefix);
                redis.close();
            }
        }
    }

    @Test
    void setAttribute_60MegabyteString_refusedAtSetAttributeNamingTheLimitNotA503() throws Exception {
        assertEquals(200, browser.get(tomcat.url("/set?name=email&chars=20")).statusCode());

        HttpResponse<String> big = browser.get(tomcat.url("/set?name=report&chars=" + (60 << 20)));

        assertEquals(413, big.statusCode(), big.body());
        assertEquals("Session attribute 'report' takes 62914561 bytes or more, over the limit of 1048576 bytes per "
                + "attribute; store less in the session, or raise the limit with SESSION_MAX_ATTRIBUTE_BYTES",
                big.body());
        assertEquals("email=20", browser.get(tomcat.url("/sizes")).body(), "the session as it was");
    }

    @Test
    void setAttribute_overTheLimitNotHandledByTheApplication_500WithoutStackTraceNotA503() throws Exception {
        HttpResponse<String> big = browser.get(tomcat.url("/set-unhandled?chars=" + (2 << 20)));

        assertEquals(500, big.statusCode());
        assertTrue(big.body().contains("A session value is over its size limit"), big.body());
        assertFalse(big.body().contains("Exception") || big.body().contains("at io."), big.body());
    }

    @Test
    void setAttribute_valuesWithMoreThan100000ElementsWithinTheLimit_storedAndReadBack() throws Exception {
        assertEquals(200, browser.get(tomcat.url("/set-many?elements=500000")).statusCode());

        assertEquals("bytes=500000\nlist=150000", browser.get(tomcat.url("/sizes")).body());
    }

    @Test
    void save_valueGrownInPlaceOverTheLimit_applicationErrorAndTheStoredValueKept() throws Exception {
        assertEquals(200, browser.get(tomcat.url("/set-many?elements=1000")).statusCode());

        HttpResponse<String> grown = browser.get(tomcat.url("/grow?chars=" + (2 << 20)));

        assertNotEquals(503, grown.statusCode(), "not answered as if Redis were down");
        assertEquals(500, grown.statusCode());
        assertTrue(grown.body().contains("A session value is over its size limit"), grown.body());
        assertFalse(grown.body().contains("Exception") || grown.body().contains("at io."), grown.body());
        assertEquals("bytes=1000\nlist=150000", browser.get(tomcat.url("/sizes")).body(), "the stored value kept");
    }

    /**
     * {@code /set?name=&chars=} sets a string of that many characters, answering 413 with the refusal's message;
     * {@code /set-unhandled?chars=} does the same without handling a refusal; {@code /set-many?elements=} sets a byte array of that length and a list of 150,000 small integers;
     * {@code /grow?chars=} adds a string of that many characters to the list, in place; {@code /sizes} lists each
     * attribute's length.
     */
    private static final class ValueServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=UTF-8");
            HttpSession session = request.getSession();
            switch (request.getRequestURI()) {
                case "/set" -> {
                    try {
                        session.setAttribute(request.getParameter("name"),
                                "x".repeat(Integer.parseInt(request.getParameter("chars"))));
                    } catch (IllegalArgumentException e) {
                        response.setStatus(413);
                        response.getWriter().print(e.getMessage());
                    }
                }
                case "/set-unhandled" -> session.setAttribute("report",
                        "x".repeat(Integer.parseInt(request.getParameter("chars"))));
                case "/set-many" -> {
                    session.setAttribute("bytes", new byte[Integer.parseInt(request.getParameter("elements"))]);
                    List<Object> list = new ArrayList<>();
                    for (int i = 0; i < 150_000; i++) {
                        list.add(i % 100);
                    }
                    session.setAttribute("list", list);
                }
                case "/grow" -> {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) session.getAttribute("list");
                    list.add("x".repeat(Integer.parseInt(request.getParameter("chars"))));
                }
                case "/sizes" -> {
                    List<String> lines = new ArrayList<>();
                    for (String name : java.util.Collections.list(session.getAttributeNames()).stream().sorted()
                            .toList()) {
                        Object value = session.getAttribute(name);
                        lines.add(name + "=" + (value instanceof byte[] bytes ? bytes.length
                                : value instanceof List<?> list ? list.size() : ((String) value).length()));
                    }
                    response.getWriter().print(String.join("\n", lines));
                }
                default -> response.sendError(404);
            }
        }
    }
}
