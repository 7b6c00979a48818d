package io.sessionstore.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionstore.testing.Chromium;
import io.sessionstore.testing.NeedsRedis;
import io.sessionstore.testing.RespClient;
import io.sessionstore.testing.TestApp;
import io.sessionstore.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The login flow as a person uses it: headless Chromium against the app on embedded Tomcat and a real Redis. */
@NeedsRedis
class LoginBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String PREFIX = TestRedis.uniquePrefix("browser");

    private static TestApp nodeA;
    private static TestApp nodeB;
    private ChromeDriver browser;

    @BeforeAll
    static void startNodes() throws Exception {
        nodeA = TestApp.start(Map.of("KEY_PREFIX", PREFIX));
        nodeB = TestApp.start(Map.of("KEY_PREFIX", PREFIX));
    }

    @AfterAll
    static void stopNodes() throws Exception {
        try (RespClient redis = new RespClient(TestRedis.url())) {
            redis.deleteKeys(PREFIX);
        }
        nodeA.close();
        nodeB.close();
    }

    @BeforeEach
    void openBrowser() throws Exception {
        browser = Chromium.start(1024, 800);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) { // null when Chromium is missing and the test was skipped
            browser.quit();
        }
    }

    @Test
    void loginPage_rendersAnAccessibleForm() throws Exception {
        browser.get(nodeA.url("/login"));
        assertEquals("Sign in · session-store", browser.getTitle());
        WebElement email = browser.findElement(By.id("email"));
        assertEquals("email", email.getDomAttribute("type"));
        assertNotNull(email.getDomAttribute("required"));
        assertNotNull(email.getDomAttribute("autofocus"));
        assertEquals("email", browser.findElement(By.cssSelector("label[for=email]")).getDomAttribute("for"));
        assertEquals(email, browser.switchTo().activeElement(), "the email field has the focus");
        // WCAG 2.2, 1.4.11: the field's border and the focus ring at 3:1 at least against the card they sit on.
        String card = (String) browser.executeScript(
                "return getComputedStyle(document.querySelector('main')).backgroundColor");
        String border = (String) browser.executeScript("return getComputedStyle(arguments[0]).borderTopColor", email);
        String ring = (String) browser.executeScript("return getComputedStyle(arguments[0]).outlineColor", email);
        assertTrue(contrast(border, card) >= 3, "field border " + border + " on " + card + ": "
                + contrast(border, card));
        assertTrue(contrast(ring, card) >= 3, "focus ring " + ring + " on " + card + ": " + contrast(ring, card));
        assertTrue(browser.findElements(By.cssSelector("[role=alert]")).isEmpty(), "no error before a submit");
        screenshot("login.png");
    }

    @Test
    void badEmail_showsTheMessageNextToTheFieldAndKeepsTheValue() {
        browser.get(nodeA.url("/login"));
        signIn("not-an-email");
        WebElement alert = browser.findElement(By.cssSelector("[role=alert]"));
        assertTrue(alert.isDisplayed());
        assertTrue(alert.getText().contains("exactly one @"), alert.getText());
        WebElement email = browser.findElement(By.id("email"));
        assertEquals("not-an-email", email.getDomProperty("value"));
        assertEquals("email-error", email.getDomAttribute("aria-describedby"));
    }

    @Test
    void goodEmail_welcomeCountsReloadsThenLogoutLeadsBackToLogin() throws Exception {
        browser.get(nodeA.url("/login"));
        signIn("Dana@Example.com");
        assertEquals("Welcome · session-store", browser.getTitle());
        assertEquals("dana@example.com", browser.findElement(By.id("email")).getText());
        assertEquals("1", browser.findElement(By.id("visits")).getText());
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("Visits: 1"));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("resets 30 s after your last visit"));
        screenshot("welcome.png");
        browser.navigate().refresh();
        assertEquals("2", browser.findElement(By.id("visits")).getText());
        browser.navigate().refresh();
        assertEquals("3", browser.findElement(By.id("visits")).getText());

        submit(browser, By.cssSelector("form[action$='/logout'] button"));
        assertEquals(nodeA.url("/login"), browser.getCurrentUrl());
        browser.get(nodeA.url("/"));
        assertEquals(nodeA.url("/login"), browser.getCurrentUrl());
    }

    @Test
    void sessionCookie_isHttpOnly() {
        browser.get(nodeA.url("/login"));
        signIn("cookie@example.com");
        Cookie session = browser.manage().getCookieNamed("SESSION");
        assertNotNull(session, "the browser holds the session cookie");
        assertTrue(session.isHttpOnly());
        assertEquals("Lax", session.getSameSite());
        String visible = (String) ((JavascriptExecutor) browser).executeScript("return document.cookie");
        assertFalse(visible.contains("SESSION"), "document.cookie: " + visible);
    }

    @Test
    void markupInEmail_neverBecomesMarkup() {
        String hostile = "o'brien+<b>x</b>@example.com";
        browser.get(nodeA.url("/login"));
        signIn(hostile);
        assertTrue(browser.findElements(By.tagName("b")).isEmpty(), "no <b> element on the page");
        assertEquals(hostile, browser.findElement(By.id("email")).getDomProperty("value"));
        assertTrue(browser.findElement(By.cssSelector("[role=alert]")).isDisplayed());

        browser.get(nodeA.url("/login"));
        signIn("o'brien+tag@example.co.uk");
        assertEquals("o'brien+tag@example.co.uk", browser.findElement(By.id("email")).getText());
        assertTrue(browser.findElements(By.tagName("b")).isEmpty());
    }

    @Test
    void twoBrowsersOnTwoNodes_shareTheCounter() throws Exception {
        ChromeDriver second = Chromium.start(1024, 800);
        try {
            browser.get(nodeA.url("/login"));
            signIn("shared@example.com");
            assertEquals("1", browser.findElement(By.id("visits")).getText());
            second.get(nodeB.url("/login"));
            second.findElement(By.id("email")).sendKeys("shared@example.com");
            submit(second, By.cssSelector("form button[type=submit]"));
            assertEquals("2", second.findElement(By.id("visits")).getText());
            browser.navigate().refresh();
            assertEquals("3", browser.findElement(By.id("visits")).getText());
        } finally {
            second.quit();
        }
    }

    @Test
    void yourSessions_twoBrowsersOnTwoNodes_logOutOthersSignsTheSecondOut() throws Exception {
        ChromeDriver second = Chromium.start(1024, 800);
        try {
            second.get(nodeB.url("/login"));
            second.findElement(By.id("email")).sendKeys("kim@example.com");
            submit(second, By.cssSelector("form button[type=submit]"));
            browser.get(nodeA.url("/login"));
            signIn("kim@example.com");

            browser.findElement(By.id("your-sessions")).click();
            assertEquals("Your sessions · session-store", browser.getTitle());
            var rows = browser.findElements(By.cssSelector("#sessions li"));
            assertEquals(2, rows.size());
            assertEquals(1, browser.findElements(By.cssSelector("#sessions li.current")).size());
            assertTrue(rows.get(0).getText().contains("Chrome") && rows.get(0).getText().contains("Linux"),
                    rows.get(0).getText());
            screenshot("sessions.png");

            submit(browser, By.id("logout-others"));
            assertEquals(nodeA.url("/sessions"), browser.getCurrentUrl());
            assertEquals(1, browser.findElements(By.cssSelector("#sessions li")).size());
            second.navigate().refresh();
            assertEquals(nodeB.url("/login"), second.getCurrentUrl(), "the second browser's next page");

            submit(browser, By.id("logout-everywhere"));
            assertEquals(nodeA.url("/login"), browser.getCurrentUrl());
            browser.get(nodeB.url("/"));
            assertEquals(nodeB.url("/login"), browser.getCurrentUrl());
        } finally {
            second.quit();
        }
    }

    @Test
    void phoneWidth_pagesFitWithoutSideScrolling() throws Exception {
        ChromeDriver phone = Chromium.start(390, 844);
        try {
            phone.get(nodeA.url("/login"));
            assertFitsWidth(phone);
            phone.findElement(By.id("email")).sendKeys("a-rather-long-address.for.a.phone@example.com");
            submit(phone, By.cssSelector("form button[type=submit]"));
            assertEquals("1", phone.findElement(By.id("visits")).getText());
            assertFitsWidth(phone);
        } finally {
            phone.quit();
        }
    }

    private void signIn(String email) {
        WebElement field = browser.findElement(By.id("email"));
        field.clear();
        field.sendKeys(email);
        submit(browser, By.cssSelector("form button[type=submit]"));
    }

    /** Clicks a form's button and waits until the next page has replaced this one. */
    private static void submit(ChromeDriver driver, By button) {
        WebElement element = driver.findElement(button);
        element.click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(page -> replaced(element));
    }

    /**
     * Whether the page that held {@code element} is gone. Chromium reports an element of a page being replaced
     * either as stale or, while the new document loads, as a node that "does not belong to the document".
     */
    private static boolean replaced(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** The WCAG contrast ratio of two CSS colours as {@code getComputedStyle} gives them ({@code rgb(r, g, b)}). */
    private static double contrast(String first, String second) {
        double a = luminance(first);
        double b = luminance(second);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }

    private static double luminance(String rgb) {
        String[] parts = rgb.replaceAll("[^0-9,.]", "").split(",");
        double[] linear = new double[3];
        for (int i = 0; i < 3; i++) {
            double c = Double.parseDouble(parts[i]) / 255;
            linear[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    }

    private static void assertFitsWidth(ChromeDriver driver) {
        Object fits = driver.executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth");
        assertEquals(Boolean.TRUE, fits, "no horizontal scrolling at " + driver.executeScript("return window.innerWidth") + " px");
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
