package io.sessionstore.app;

import ua_parser.Client;
import ua_parser.Parser;

/**
 * A short line naming a browser and its system, such as {@code Firefox 128 on Linux}, from a {@code User-Agent}
 * header, for the list of a user's sessions: never the raw header, which is long and identifies the browser more
 * than a user needs to recognise it. Parsed with ua-parser's regexes. Thread-safe.
 */
final class DeviceName {

    /** Longest line kept: a header that long is no browser's. */
    private static final int MAX_LENGTH = 80;
    private static final int MAX_HEADER = 1_000;
    private static final Parser PARSER = new Parser();

    private DeviceName() {
    }

    /**
     * @param userAgent the header, or null
     * @return {@code <browser> <major version> on <system> <major version>}, the versions only when known; "Unknown
     *         browser" when the header names none
     */
    static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank() || userAgent.length() > MAX_HEADER) {
            return "Unknown browser";
        }
        Client client = PARSER.parse(userAgent);
        String browser = withVersion(client.userAgent.family, client.userAgent.major);
        String system = withVersion(client.os.family, client.os.major);
        String line = ("Other".equals(client.userAgent.family) ? "Unknown browser" : browser)
                + ("Other".equals(client.os.family) ? "" : " on " + system);
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) : line;
    }

    private static String withVersion(String family, String major) {
        return major == null || major.isEmpty() ? family : family + " " + major;
    }
}
