package io.sessionstore.deploy;

import io.sessionstore.testing.ClusterScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The context log of both nodes of a {@link ClusterScript}: each node's {@code logs/localhost.<date>.log}, where
 * {@code ServletContext.log} writes (one file per day, so a run across midnight has two). Tomcat writes it through an
 * asynchronous handler: a line shows up a little after the call that logged it, so wait for lines with
 * {@link #await}. Also knows the lines of the {@code examples} application's {@code listeners.SessionListener}.
 */
final class ContextLog {

    /** One line of one node's context log. */
    record Line(int node, String text) {
    }

    private static final int NODES = 2;

    private final ClusterScript cluster;

    ContextLog(ClusterScript cluster) {
        this.cluster = cluster;
    }

    /** {@code sessionCreated} of the examples application's session listener. */
    static String created(String id) {
        return "SessionListener: sessionCreated('" + id + "')";
    }

    /** {@code sessionDestroyed} of the examples application's session listener. */
    static String destroyed(String id) {
        return "SessionListener: sessionDestroyed('" + id + "')";
    }

    /** {@code attributeAdded} of the examples application's session listener: the new value. */
    static String added(String id, String name, String value) {
        return "SessionListener: attributeAdded('" + id + "', '" + name + "', '" + value + "')";
    }

    /** {@code attributeReplaced} of the examples application's session listener: the event carries the old value. */
    static String replaced(String id, String name, String oldValue) {
        return "SessionListener: attributeReplaced('" + id + "', '" + name + "', '" + oldValue + "')";
    }

    /** The lines of both nodes that contain {@code text}: node 1's, then node 2's, each node's in order. */
    List<Line> lines(String text) throws IOException {
        List<Line> found = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            for (Path file : files(node)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains(text)) {
                        found.add(new Line(node, line));
                    }
                }
            }
        }
        return found;
    }

    /** How many lines of both nodes contain {@code text}. */
    int count(String text) throws IOException {
        return lines(text).size();
    }

    /**
     * Waits until both nodes' logs hold every one of {@code texts}.
     *
     * @param id the session the texts are about
     * @throws AssertionError with what the logs hold of that session when they do not within {@code timeout}
     */
    void await(Duration timeout, String id, String... texts) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Predicate<String> missing = text -> {
            try {
                return lines(text).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        while (Stream.of(texts).anyMatch(missing)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not in the context logs within " + timeout.toMillis() + " ms: "
                        + Stream.of(texts).filter(missing).toList() + "\n" + describe(id));
            }
            Thread.sleep(50);
        }
    }

    /** The session listener's lines of both nodes that name a session, for failure messages. */
    String describe(String id) throws IOException {
        StringBuilder text = new StringBuilder("SessionListener lines of session " + id + " in the context logs:");
        for (Line line : lines("('" + id + "'")) {
            if (line.text().contains("SessionListener: ")) {
                text.append("\n  node").append(line.node()).append(": ").append(line.text());
            }
        }
        return text.toString();
    }

    private List<Path> files(int node) throws IOException {
        Path logs = cluster.path("node" + node + "/logs");
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().matches("localhost\\.\\d{4}-\\d{2}-\\d{2}\\.log"))
                    .sorted()
                    .toList();
        }
    }
}
