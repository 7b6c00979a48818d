package io.sessionstore.app;

import java.util.Set;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * A short line naming a browser and its system, such as {@code Firefox 128 on Linux}, from a {@code User-Agent}
 * header, for the list of a user's sessions: never the raw header, which is long and identifies the browser more
 * than a user needs to recognise it, and never its free text. Parsed with ua-parser's regexes, some of which copy a
 * product name from the header as it is ("Your account is compromised/1.0 CFNetwork/1.0 Darwin/20.0" is such a
 * "browser"), so only the browser and system families known here are named; any other is "another browser" or left
 * out. Thread-safe.
 */
final class DeviceName {

    private static final int MAX_HEADER = 1_000;
    private static final Parser PARSER = new Parser();
    private static final Set<String> BROWSERS = Set.of("Chrome", "Chrome Mobile", "Chrome Mobile iOS",
            "Chrome Mobile WebView", "Chromium", "HeadlessChrome", "Firefox", "Firefox Mobile", "Firefox iOS",
            "Safari", "Mobile Safari", "Mobile Safari UI/WKWebView", "Edge", "Edge Mobile", "Opera", "Opera Mobile",
            "Samsung Internet", "Vivaldi", "Brave", "Yandex Browser", "UC Browser", "IE", "DuckDuckGo Mobile");
    private static final Set<String> SYSTEMS = Set.of("Windows", "Mac OS X", "iOS", "iPadOS", "Android", "Linux",
            "Ubuntu", "Debian", "Fedora", "Chrome OS", "FreeBSD");

    private DeviceName() {
    }

    /**
     * @param userAgent the header, or null
     * @return {@code <browser> <major version> on <system> <major version>}, the versions only when known; "Unknown
     *         browser" when the header names none known here
     */
    static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank() || userAgent.length() > MAX_HEADER) {
            return "Unknown browser";
        }
        Client client = PARSER.parse(userAgent);
        String browser = BROWSERS.contains(client.userAgent.family)
                ? withVersion(client.userAgent.family, client.userAgent.major) : "Unknown browser";
        return SYSTEMS.contains(client.os.family) ? browser + " on " + withVersion(client.os.family, client.os.major)
                : browser;
    }

    /** The family with its major version, when that is a number (ua-parser copies what the header says). */
    private static String withVersion(String family, String major) {
        return major != null && major.matches("[0-9]{1,4}") ? family + " " + major : family;
    }
}
