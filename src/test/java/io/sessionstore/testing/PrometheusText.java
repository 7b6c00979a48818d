package io.sessionstore.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format, version 0.0.4 (prometheus.io, "Exposition formats"):
 * every line is a {@code # HELP}, a {@code # TYPE} or a sample; a family's {@code TYPE} comes once, before its
 * samples; names and label names follow the format's grammar; label values are quoted with {@code \\}, {@code \"}
 * and {@code \n} escapes; values are Go floats ({@code NaN}, {@code +Inf}, {@code -Inf} included); a histogram's
 * samples are {@code _bucket} with an {@code le} label, {@code _sum} and {@code _count}, its buckets cumulative and
 * its {@code +Inf} bucket equal to its count; the text ends with a line feed. Anything else throws.
 */
public final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("NaN|[+-]Inf|[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Each sample's series, {@code name{label="value",...}} with labels sorted by name, and its value. */
    private final Map<String, Double> samples;
    /** Each family's type. */
    private final Map<String, String> types;

    private PrometheusText(Map<String, Double> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /**
     * @throws IllegalArgumentException naming the line that breaks the format
     */
    public static PrometheusText parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("The text does not end with a line feed");
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new java.util.HashSet<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("# HELP ")) {
                    String name = line.substring(7).split(" ", 2)[0];
                    name(name);
                    if (!helped.add(name)) {
                        throw new IllegalArgumentException("second HELP of " + name);
                    }
                } else if (line.startsWith("# TYPE ")) {
                    String[] parts = line.substring(7).split(" ");
                    if (parts.length != 2 || !TYPES.contains(parts[1])) {
                        throw new IllegalArgumentException("malformed TYPE");
                    }
                    name(parts[0]);
                    if (types.putIfAbsent(parts[0], parts[1]) != null) {
                        throw new IllegalArgumentException("second TYPE of " + parts[0]);
                    }
                } else if (line.startsWith("#")) {
                    continue; // a comment
                } else {
                    sample(line, types, samples);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Line " + number + " is not Prometheus text (" + e.getMessage()
                        + "): " + line, e);
            }
        }
        PrometheusText parsed = new PrometheusText(samples, types);
        parsed.checkHistograms();
        return parsed;
    }

    private static void sample(String line, Map<String, String> types, Map<String, Double> samples) {
        Matcher name = NAME.matcher(line);
        if (!name.lookingAt()) {
            throw new IllegalArgumentException("no metric name");
        }
        String metric = name.group();
        int at = name.end();
        Map<String, String> labels = new TreeMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                Matcher label = LABEL_NAME.matcher(line).region(at, line.length());
                if (!label.lookingAt() || line.charAt(label.end()) != '=' || line.charAt(label.end() + 1) != '"') {
                    throw new IllegalArgumentException("malformed label");
                }
                StringBuilder value = new StringBuilder();
                int i = label.end() + 2;
                for (; line.charAt(i) != '"'; i++) {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        char escaped = line.charAt(++i);
                        value.append(switch (escaped) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("bad escape \\" + escaped);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label.group(), value.toString()) != null) {
                    throw new IllegalArgumentException("label " + label.group() + " twice");
                }
                at = i + 1;
                if (line.charAt(at) == ',') {
                    at++;
                } else if (line.charAt(at) != '}') {
                    throw new IllegalArgumentException("expected , or }");
                }
            }
            at++;
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw new IllegalArgumentException("no space before the value");
        }
        String[] rest = line.substring(at + 1).split(" ");
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()
                || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
            throw new IllegalArgumentException("malformed value or timestamp");
        }
        String family = family(metric, types);
        if (family == null) {
            throw new IllegalArgumentException("sample of " + metric + " before its TYPE");
        }
        if ("histogram".equals(types.get(family)) && metric.endsWith("_bucket") && !labels.containsKey("le")) {
            throw new IllegalArgumentException("bucket without le");
        }
        String series = series(metric, labels);
        if (samples.put(series, number(rest[0])) != null) {
            throw new IllegalArgumentException("series " + series + " twice");
        }
    }

    private static String family(String metric, Map<String, String> types) {
        if (types.containsKey(metric)) {
            return metric;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (metric.endsWith(suffix)) {
                String base = metric.substring(0, metric.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type) && !"_bucket".equals(suffix)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static double number(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static void name(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
    }

    /** The series key of a metric name and its labels, as {@link #value} takes it. */
    public static String series(String metric, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return metric;
        }
        StringBuilder key = new StringBuilder(metric).append('{');
        new TreeMap<>(labels).forEach((name, value) -> key.append(name).append("=\"").append(value).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    /** Buckets cumulative, {@code +Inf} equal to {@code _count}, for every histogram series. */
    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!"histogram".equals(type)) {
                return;
            }
            Map<String, Double> previous = new HashMap<>();
            samples.forEach((series, value) -> {
                if (!series.startsWith(family + "_bucket{")) {
                    return;
                }
                String others = series.replaceAll("le=\"[^\"]*\",?", "").replace(",}", "}").replace("{}", "")
                        .replace("_bucket", "");
                Double before = previous.put(others, value);
                if (before != null && value < before) {
                    throw new IllegalArgumentException("Buckets of " + others + " are not cumulative");
                }
                if (series.contains("le=\"+Inf\"")) {
                    String count = others.replaceFirst("^" + Pattern.quote(family), family + "_count");
                    if (!value.equals(samples.get(count))) {
                        throw new IllegalArgumentException("The +Inf bucket of " + others + " is not its count");
                    }
                }
            });
        });
    }

    /**
     * @param series a name with its labels, as {@link #series} makes it
     * @return the sample's value, or 0 when the series is not there
     */
    public double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** Whether a sample of this series is there. */
    public boolean has(String series) {
        return samples.containsKey(series);
    }

    /** @return the family's declared type, or null */
    public String type(String family) {
        return types.get(family);
    }

    /** Every sample, by series. */
    public Map<String, Double> samples() {
        return Map.copyOf(samples);
    }
}
