package io.sessionstore.testing;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What tests look for in the app's pages. */
public final class Pages {

    private static final Pattern ALERT = Pattern.compile("role=\"alert\">([^<]*)<");
    private static final List<String> TRACE_MARKS = List.of("Exception", "at io.", "at java.", "at org.",
            "at jakarta.", "Caused by");

    private Pages() {
    }

    /** Fails when the body looks like it holds a stack trace or an exception name. */
    public static void assertNoStackTrace(HttpResponse<String> response) {
        for (String mark : TRACE_MARKS) {
            if (response.body().contains(mark)) {
                throw new AssertionError("The " + response.statusCode() + " answer to " + response.uri()
                        + " contains '" + mark + "':\n" + response.body());
            }
        }
    }

    /** The text of the first element with {@code role="alert"}. */
    public static String alert(HttpResponse<String> page) {
        Matcher m = ALERT.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No role=\"alert\" element (status " + page.statusCode() + "):\n" + page.body());
        }
        return m.group(1);
    }

    public static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
