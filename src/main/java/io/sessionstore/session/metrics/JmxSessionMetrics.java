package io.sessionstore.session.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's {@link SessionMetrics} as a read-only MBean of the platform MBean server (the one Tomcat's JMX
 * shows), for operators without Prometheus. Its ObjectName is
 * {@code io.sessionstore:type=SessionStore,host=<host>,context=<context path>} (the context {@code /} for the root),
 * with {@code ,instance=<n>} added when another MBean of that name exists (two embedded Tomcats in one JVM, parallel
 * deployments of one path).
 *
 * <p>Every meter of the registry is an attribute, named as Prometheus names it, its tags but {@code context}
 * included: {@code sessionstore_session_creations_total}, {@code sessionstore_near_cache_gets_total{result="hit"}},
 * a histogram as {@code sessionstore_redis_round_trip_seconds_count{operation="load"}} ({@code Long}, round trips),
 * {@code _sum} and {@code _max} ({@code Double}, seconds). Counters are {@code Long}s. Meters the application adds to
 * {@link SessionMetrics#registry()} show too. Thread-safe: each read is a look at the current counts.
 */
public final class JmxSessionMetrics implements DynamicMBean {

    /** The ObjectName's domain. */
    public static final String DOMAIN = "io.sessionstore";

    private static final Logger log = LoggerFactory.getLogger(JmxSessionMetrics.class);

    private final SessionMetrics metrics;

    private JmxSessionMetrics(SessionMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Registers the MBean of {@code metrics} with the platform MBean server.
     *
     * @param host the virtual host the application runs on, such as {@code localhost}; not null
     * @return what unregisters it (never throws); when the MBean cannot be registered, that is logged once and the
     *         application runs without it
     */
    public static AutoCloseable register(SessionMetrics metrics, String host) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        JmxSessionMetrics bean = new JmxSessionMetrics(metrics);
        try {
            for (int instance = 1; ; instance++) {
                ObjectName name = objectName(host, metrics.context(), instance);
                try {
                    server.registerMBean(bean, name);
                    return () -> unregister(server, name);
                } catch (InstanceAlreadyExistsException taken) {
                    // Another application instance has this name: take the next.
                }
            }
        } catch (JMException | RuntimeException e) {
            log.warn("The session store's MBean for {} could not be registered: {}", metrics.context(), e.toString());
            return () -> { };
        }
    }

    /**
     * The ObjectName of an application's MBean.
     *
     * @param instance 1 for the first MBean of this host and path, 2 and on for the others
     * @throws MalformedObjectNameException never for a context path or host Tomcat accepts
     */
    public static ObjectName objectName(String host, String context, int instance) throws MalformedObjectNameException {
        return new ObjectName(DOMAIN + ":type=SessionStore,host=" + value(host) + ",context=" + value(context)
                + (instance > 1 ? ",instance=" + instance : ""));
    }

    private static String value(String text) {
        return text.chars().anyMatch(c -> ",=:\"*?\n".indexOf(c) >= 0) ? ObjectName.quote(text) : text;
    }

    private static void unregister(MBeanServer server, ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // Unregistered by someone else already.
        } catch (JMException | RuntimeException e) {
            log.warn("The session store's MBean {} could not be unregistered: {}", name, e.toString());
        }
    }

    /** Each attribute's name and what reads its value now, in the registry's order. */
    private Map<String, Supplier<Object>> attributes() {
        Map<String, Supplier<Object>> attributes = new LinkedHashMap<>();
        for (Meter meter : metrics.local().getMeters()) {
            String name = meter.getId().getName().replace('.', '_');
            String tags = tags(meter);
            if (meter instanceof Counter counter) {
                attributes.put(total(name) + tags, () -> (long) counter.count());
            } else if (meter instanceof FunctionCounter counter) {
                attributes.put(total(name) + tags, () -> (long) counter.count());
            } else if (meter instanceof Timer timer) {
                attributes.put(name + "_seconds_count" + tags, timer::count);
                attributes.put(name + "_seconds_sum" + tags, () -> timer.totalTime(TimeUnit.SECONDS));
                attributes.put(name + "_seconds_max" + tags, () -> timer.max(TimeUnit.SECONDS));
            } else if (meter instanceof Gauge gauge) {
                attributes.put(name + tags, gauge::value);
            }
        }
        return attributes;
    }

    private static String total(String name) {
        return name.endsWith("_total") ? name : name + "_total";
    }

    private static String tags(Meter meter) {
        List<String> tags = new ArrayList<>();
        for (Tag tag : meter.getId().getTagsAsIterable()) {
            if (!"context".equals(tag.getKey())) {
                tags.add(tag.getKey() + "=\"" + tag.getValue() + "\"");
            }
        }
        return tags.isEmpty() ? "" : "{" + String.join(",", tags) + "}";
    }

    /** @throws AttributeNotFoundException for a name that is no meter's */
    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Supplier<Object> value = attributes().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException("No session store meter named " + attribute);
        }
        return value.get();
    }

    /** @throws AttributeNotFoundException always: every attribute is read-only */
    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("The session store's meters are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        Map<String, Supplier<Object>> attributes = attributes();
        AttributeList list = new AttributeList();
        for (String name : names) {
            Supplier<Object> value = attributes.get(name);
            if (value != null) {
                list.add(new Attribute(name, value.get()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    /** @throws ReflectionException always: the MBean has no operation */
    @Override
    public Object invoke(String action, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(action), "The session store's MBean has no operations");
    }

    /** The attributes as the registry holds them now (meters added later show from then on). */
    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> infos = new ArrayList<>();
        attributes().forEach((name, value) -> infos.add(new MBeanAttributeInfo(name,
                value.get() instanceof Long ? Long.class.getName() : Double.class.getName(),
                "Session store meter " + name, true, false, false)));
        return new MBeanInfo(JmxSessionMetrics.class.getName(), "Session store metrics of " + metrics.context(),
                infos.toArray(MBeanAttributeInfo[]::new), null, null, null);
    }
}
