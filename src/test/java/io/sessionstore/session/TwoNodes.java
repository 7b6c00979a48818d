package io.sessionstore.session;

import io.sessionstore.session.redis.RedisConnection;
import io.sessionstore.session.web.PrincipalSessions;
import io.sessionstore.testing.TestRedis;
import io.sessionstore.testing.TestTomcat;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * One node of the two-node test: an embedded Tomcat on a free loopback port with its own Redisson client, the
 * {@link SessionFilter} and a small servlet that works on session attributes:
 * <ul>
 *   <li>{@code /attr?name=&value=}: sets an attribute, creating the session if needed</li>
 *   <li>{@code /attr-count?name=&value=}: sets an attribute and increments the counter {@code <prefix>count}</li>
 *   <li>{@code /attrs}: lists {@code name=value} lines, sorted; 404 without a session</li>
 *   <li>{@code /invalidate}: invalidates the session, if there is one</li>
 *   <li>{@code /rotate}: changes the session id</li>
 *   <li>{@code /set-if-present?name=&value=}: sets an attribute; 404 without a session</li>
 *   <li>{@code /hold?name=&value=}: loads the session, reports it on {@link #loaded}, waits for {@link #release},
 *       then sets the attribute; 404 without a session</li>
 *   <li>{@code /timeout?seconds=}: sets the session's max inactive interval, creating the session if needed</li>
 *   <li>{@code /sessions-of?name=}: the ids of the principal's sessions ({@link PrincipalSessions#find}), a line
 *       each</li>
 *   <li>{@code /logout-others?name=}, {@code /logout-everywhere?name=}: ends the principal's sessions but the
 *       request's own, or all of them; answers how many</li>
 * </ul>
 * Each node's application has a session listener that writes down, in {@link Node#destroyed}, the id of each session
 * it is told was destroyed.
 */
final class TwoNodes {

    private TwoNodes() {
    }

    static final class Node implements AutoCloseable {
        private final TestTomcat tomcat;
        private final Context context;
        private final RedisConnection redis;
        private final String keyPrefix;
        volatile CountDownLatch loaded = new CountDownLatch(0);
        volatile CountDownLatch release = new CountDownLatch(0);
        final List<String> destroyed = new CopyOnWriteArrayList<>();

        Node(String keyPrefix) throws Exception {
            // With a near cache, as the product runs by default: the tests prove it coherent across nodes.
            this(SessionSettings.builder().redisUrl(TestRedis.url()).keyPrefix(keyPrefix).build());
        }

        Node(SessionSettings settings) throws Exception {
            redis = RedisConnection.open(settings.redis());
            this.keyPrefix = settings.keyPrefix();
            SessionFilter filter = new SessionFilter(settings, redis);

            tomcat = TestTomcat.create();
            context = tomcat.addRootContext();
            TestTomcat.filterEveryPath(context, filter, DispatcherType.REQUEST);
            context.addServletContainerInitializer((classes, servletContext) -> servletContext.addListener(
                    new HttpSessionListener() {
                        @Override
                        public void sessionDestroyed(HttpSessionEvent event) {
                            destroyed.add(event.getSession().getId());
                        }
                    }), null);
            Tomcat.addServlet(context, "attributes", new AttributeServlet(this));
            context.addServletMappingDecoded("/*", "attributes");
            tomcat.start();
        }

        String url(String pathAndQuery) {
            return tomcat.url(pathAndQuery);
        }

        @Override
        public void close() throws Exception {
            // Redisson first, and until its threads are gone: requests started them, so they carry the web
            // application's class loader, and Tomcat would report them as leaked.
            ClassLoader webapp = context.getLoader().getClassLoader();
            redis.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (redissonThreadsOf(webapp) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            tomcat.close();
        }
    }

    private static boolean redissonThreadsOf(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("redisson") && t.getContextClassLoader() == loader);
    }

    private static final class AttributeServlet extends HttpServlet {
        private final transient Node node;

        AttributeServlet(Node node) {
            this.node = node;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=UTF-8");
            String name = request.getParameter("name");
            String value = request.getParameter("value");
            switch (request.getRequestURI()) {
                case "/attr" -> {
                    HttpSession session = request.getSession();
                    session.setAttribute(name, value);
                    response.getWriter().print(session.getId());
                }
                case "/attr-count" -> {
                    HttpSession session = request.getSession();
                    session.setAttribute(name, value);
                    node.redis.call(() -> node.redis.client().getAtomicLong(node.keyPrefix + "count").incrementAndGet());
                    response.getWriter().print(session.getId());
                }
                case "/attrs" -> {
                    HttpSession session = request.getSession(false);
                    if (session == null) {
                        response.setStatus(404);
                        response.getWriter().print("no session");
                        return;
                    }
                    Map<String, Object> sorted = new TreeMap<>();
                    for (String attribute : Collections.list(session.getAttributeNames())) {
                        sorted.put(attribute, session.getAttribute(attribute));
                    }
                    StringBuilder body = new StringBuilder();
                    sorted.forEach((n, v) -> body.append(n).append('=').append(v).append('\n'));
                    response.getWriter().print(body);
                }
                case "/invalidate" -> {
                    HttpSession session = request.getSession(false);
                    if (session != null) {
                        session.invalidate();
                    }
                    response.getWriter().print("invalidated");
                }
                case "/rotate" -> {
                    request.getSession();
                    response.getWriter().print(request.changeSessionId());
                }
                case "/set-if-present" -> {
                    HttpSession session = request.getSession(false);
                    if (session == null) {
                        response.setStatus(404);
                        return;
                    }
                    session.setAttribute(name, value);
                    response.getWriter().print("set");
                }
                case "/hold" -> {
                    HttpSession session = request.getSession(false);
                    if (session == null) {
                        response.setStatus(404);
                        return;
                    }
                    node.loaded.countDown();
                    try {
                        if (!node.release.await(30, TimeUnit.SECONDS)) {
                            response.setStatus(500);
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        response.setStatus(500);
                        return;
                    }
                    session.setAttribute(name, value);
                    response.getWriter().print("held");
                }
                case "/last-access" -> {
                    HttpSession session = request.getSession(false);
                    response.getWriter().print(session == null ? "none" : session.getLastAccessedTime());
                }
                case "/sessions-of" -> {
                    StringBuilder body = new StringBuilder();
                    PrincipalSessions.of(request.getServletContext()).find(name)
                            .forEach(session -> body.append(session.getId()).append('\n'));
                    response.getWriter().print(body);
                }
                case "/logout-others" -> {
                    HttpSession session = request.getSession(false);
                    response.getWriter().print(PrincipalSessions.of(request.getServletContext())
                            .invalidateAllExcept(name, session == null ? null : session.getId()));
                }
                case "/logout-everywhere" -> response.getWriter().print(
                        PrincipalSessions.of(request.getServletContext()).invalidateAll(name));
                case "/timeout" -> {
                    HttpSession session = request.getSession();
                    session.setMaxInactiveInterval(Integer.parseInt(request.getParameter("seconds")));
                    response.getWriter().print(session.getId());
                }
                default -> response.setStatus(404);
            }
        }
    }
}
