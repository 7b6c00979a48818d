package io.sessionstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The device line of the sessions page: known browsers and systems by name, nothing of the header's own text. */
class DeviceNameTest {

    @Test
    void of_commonBrowsers_browserAndSystemWithMajorVersions() {
        assertEquals("Firefox 128 on Linux",
                DeviceName.of("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
        assertEquals("Chrome 131 on Windows 10", DeviceName.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"));
        assertEquals("Mobile Safari 17 on iOS 17", DeviceName.of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac "
                + "OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"));
    }

    @Test
    void of_productNamesCopiedFromTheHeader_neverShown() {
        assertEquals("Unknown browser on iOS 14",
                DeviceName.of("Your account is compromised, visit evil.example/1.0 CFNetwork/1.0 Darwin/20.0"));
        assertEquals("Unknown browser on Windows 10",
                DeviceName.of("Chrome 126 on Windows 10 (really an attacker)/1.0 CFNetwork/1.0 Darwin/20.0"));
    }

    @Test
    void of_missingEmptyOrHugeHeader_unknownBrowser() {
        assertEquals("Unknown browser", DeviceName.of(null));
        assertEquals("Unknown browser", DeviceName.of(" "));
        assertEquals("Unknown browser", DeviceName.of("curl/8.5.0"));
        assertEquals("Unknown browser", DeviceName.of("Mozilla/5.0 " + "x".repeat(1_000)));
    }
}
