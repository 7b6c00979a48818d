package io.sessionstore.session.redis;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.redisson.config.Config;

/**
 * A Redisson YAML file ({@code REDISSON_CONFIG}), read as its user wrote it. The file's own text goes to Redisson's
 * {@link Config#fromYAML(String)}, which resolves its {@code ${VARIABLE}} and {@code ${VARIABLE:-default}}
 * placeholders from the environment and system properties, so every error points into the file as written: one line
 * that names the file, the line and column, and the key as a path ({@code singleServerConfig.timeout}), for a
 * syntax error, a key Redisson does not know (with the nearest known one), a value of the wrong type, and a file
 * that cannot be read. Immutable once read.
 */
final class RedissonFile {

    /**
     * SnakeYAML's message for a syntax error: its last part is the problem, then where it is (1-based), as in
     * "expected &lt;block end&gt;, but found '&lt;block mapping start&gt;'\n in 'reader', line 3, column 4:".
     */
    private static final Pattern YAML_PROBLEM = Pattern.compile(
            "(?m)^(\\S[^\\n]*)\\n in '[^']*', line (\\d+), column (\\d+):");
    /** Suggests a known key at most this many edits away from an unknown one. */
    private static final int MAX_SUGGESTION_DISTANCE = 3;

    private final Config config;
    private final Set<String> keys;

    private RedissonFile(Config config, Set<String> keys) {
        this.config = config;
        this.keys = keys;
    }

    /**
     * Reads and parses the file.
     *
     * @throws IOException with a one-line message that starts with the file's path and never quotes a password
     */
    static RedissonFile read(Path file) throws IOException {
        String text = text(file);
        JsonNode root;
        Config config;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
            if (root == null || !root.isObject()) {
                throw new IOException(file + ": " + (root == null || root.isMissingNode() ? "the file is empty"
                        : "the file is not a YAML mapping") + "; it needs a server section such as "
                        + "singleServerConfig (examples in tomcat-conf/redisson/)");
            }
            config = Config.fromYAML(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + problem(e, text), e);
        }
        return new RedissonFile(config, keys(root));
    }

    /** The configuration as Redisson read it. */
    Config config() {
        return config;
    }

    /**
     * The keys the file sets at its top level ({@code nettyThreads}, ...) and in its server sections
     * ({@code timeout}, {@code scanInterval}, ...).
     */
    Set<String> keys() {
        return keys;
    }

    private static String text(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": cannot be read (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text; save it as UTF-8", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Where in the file and what: a YAML syntax error at the place and with the words of the YAML parser
     * (SnakeYAML, whose message Jackson passes on); an unknown key at the line where it stands; a value at its
     * line and column.
     */
    private static String problem(JsonProcessingException e, String text) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher syntax = YAML_PROBLEM.matcher(String.valueOf(t.getMessage()));
            String problem = null;
            String where = null;
            while (syntax.find()) {
                problem = syntax.group(1).strip();
                where = "line " + syntax.group(2) + ", column " + syntax.group(3) + ": ";
            }
            if (problem != null) {
                return where + "not valid YAML (" + problem + ")";
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return keyLine(text, unknown.getPropertyName(), e.getLocation()) + "unknown key " + path(unknown)
                    + nearest(unknown.getPropertyName(), unknown.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException format) {
            return where(e.getLocation()) + path(format) + ": '" + format.getValue() + "' is not "
                    + expected(format.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                && !mismatch.getPath().isEmpty()) {
            return where(e.getLocation()) + path(mismatch) + ": expected " + expected(mismatch.getTargetType());
        }
        String message = firstLine(e.getOriginalMessage());
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return where(e.getLocation()) + path(mapping) + ": " + message;
        }
        return where(e.getLocation()) + message;
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    /**
     * The line and column of an unknown key. Jackson reports where the parser stood when it found the key unknown:
     * on its value, which for a section is the first key inside it, on a later line. The key is the nearest line at
     * or above that which starts with it.
     */
    private static String keyLine(String text, String key, JsonLocation location) {
        List<String> lines = text.lines().toList();
        int from = location == null ? lines.size() : Math.min(location.getLineNr(), lines.size());
        Pattern keyAtStart = Pattern.compile("^(\\s*(?:-\\s+)?)[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
        for (int line = from; line >= 1; line--) {
            Matcher match = keyAtStart.matcher(lines.get(line - 1));
            if (match.find()) {
                return "line " + line + ", column " + (match.group(1).length() + 1) + ": ";
            }
        }
        return where(location);
    }

    /** The key as the file nests it: {@code singleServerConfig.timeout}, {@code clusterServersConfig.nodeAddresses[1]}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == URL.class) {
            return "a URL (a file is file:/path/to/it)";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        return "a valid " + type.getSimpleName();
    }

    /** " (did you mean address?)" for the known key nearest to {@code key}, or nothing when none is near. */
    private static String nearest(String key, Collection<Object> known) {
        if (known == null) {
            return "";
        }
        return known.stream().map(String::valueOf)
                .filter(candidate -> distance(key, candidate) <= MAX_SUGGESTION_DISTANCE)
                .min(Comparator.comparingInt((String candidate) -> distance(key, candidate))
                        .thenComparing(Comparator.naturalOrder()))
                .map(candidate -> " (did you mean " + candidate + "?)")
                .orElse("");
    }

    /** Levenshtein distance, ignoring case. */
    private static int distance(String a, String b) {
        String x = a.toLowerCase(java.util.Locale.ROOT);
        String y = b.toLowerCase(java.util.Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }

    /** The top-level keys, and the keys of every top-level section named {@code ...Config} that is a mapping. */
    private static Set<String> keys(JsonNode root) {
        Set<String> keys = new HashSet<>();
        root.fieldNames().forEachRemaining(keys::add);
        root.fields().forEachRemaining(section -> {
            if (section.getKey().endsWith("Config") && section.getValue().isObject()) {
                section.getValue().fieldNames().forEachRemaining(keys::add);
            }
        });
        return keys;
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        String line = text.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse(text);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
