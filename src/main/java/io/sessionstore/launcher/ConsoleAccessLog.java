package io.sessionstore.launcher;

import java.io.CharArrayWriter;
import java.io.PrintStream;
import org.apache.catalina.valves.AbstractAccessLogValve;

/**
 * Tomcat's access log, in the same pattern as {@code tomcat-conf/server.xml}'s, written to a stream (the launcher's
 * standard output) instead of a file: a launcher run in a terminal or under a process manager shows each request
 * where its other lines go. Thread-safe: {@link PrintStream} writes each line whole.
 */
final class ConsoleAccessLog extends AbstractAccessLogValve {

    /** Client, time, request line, status, bytes and milliseconds: {@code %{ms}T}, as {@code %D} is microseconds. */
    static final String PATTERN = "%h %t \"%r\" %s %b %{ms}Tms";

    private final PrintStream out;

    ConsoleAccessLog(PrintStream out) {
        this.out = out;
        setPattern(PATTERN);
        // The client's address from a trusted X-Forwarded-For, as set by the forwarded-headers valve.
        setRequestAttributesEnabled(true);
    }

    @Override
    protected void log(CharArrayWriter message) {
        out.println(message.toCharArray());
    }
}
