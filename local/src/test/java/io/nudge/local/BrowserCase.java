package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Base of the console's browser tests: Debian's headless Chromium driven through Selenium against a local runner.
 * Without Chromium the tests are skipped (saying how to install it), unless {@code CI=true}, where a missing browser
 * fails. Screens are saved under {@code target/screenshots/} ({@code docs/screenshots/refresh} copies them).
 */
abstract class BrowserCase extends LocalRunnerCase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final String XSS = "<img src=x onerror=alert(1)>";

    static ChromeDriver browser;
    WebDriverWait wait;

    /** Checked before each test (so each one is reported skipped, with the reason); the browser starts once. */
    static void startBrowser() {
        if (browser != null) {
            return;
        }
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "the console's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(missing + "; CI=true, so a missing browser fails the run");
            }
            System.out.println("ConsoleBrowserIT skipped: " + missing);
            Assumptions.abort(missing + "; skipped");
        }
        // the driver and the browser are named explicitly: Selenium Manager cannot download anything here
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        // the browser's console log, where Chromium reports what the Content-Security-Policy refused
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @BeforeEach
    void start() throws Exception {
        startBrowser();
        startRunner();
        wait = new WebDriverWait(browser, Duration.ofSeconds(ItTime.DEADLINE_SECONDS));
    }

    String url(String path) {
        return "http://127.0.0.1:" + runner.port() + path;
    }

    void open(String path) {
        browser.get(url(path));
    }

    /** The sign-in form's one input, found by its label. */
    WebElement keyInput() {
        WebElement label = wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//label[text()='API key']")));
        return browser.findElement(By.id(label.getDomAttribute("for")));
    }

    void signIn(String key) {
        WebElement input = keyInput();
        input.clear();
        input.sendKeys(key, Keys.ENTER);
    }

    String storedKey() {
        return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('nudge.apiKey');");
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens path, signs in with the admin key and waits for the page to be shown (no longer loading). */
    void openSignedIn(String path) {
        open(path);
        signIn(ItClient.KEY);
        shown(path);
    }

    /** Waits until the console shows a page (a heading, nothing loading). */
    void shown(String what) {
        new WebDriverWait(browser, Duration.ofSeconds(ItTime.DEADLINE_SECONDS)).withMessage(what + " shows its page").until(d -> d.findElements(By.cssSelector("#content .loading")).isEmpty()
                && !d.findElements(By.cssSelector("#content h1")).isEmpty());
    }

    /** The page as shown now fits the window's width (no sideways scrolling) and every input has a label. */
    void assertFitsWithLabelledInputs(String what) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat((Boolean) js.executeScript("return document.documentElement.scrollWidth <= window.innerWidth;"))
                .as(what + " fits " + browser.manage().window().getSize().getWidth() + " px without scrolling sideways").isTrue();
        assertThat((Long) js.executeScript("return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).length;"))
                .as(what + ": every input has a label").isZero();
    }

    /** Nothing in the browser's log since the last look says the Content-Security-Policy refused something. */
    void assertNoContentSecurityRefusals() {
        List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy") || m.contains("Refused to")).toList();
        assertThat(violations).as("CSP violations in the browser log").isEmpty();
    }

    /** Accepts the window.confirm the last click opened, returning its text. */
    String acceptConfirm() {
        org.openqa.selenium.Alert alert = wait.until(ExpectedConditions.alertIsPresent());
        String text = alert.getText();
        alert.accept();
        return text;
    }

    /** Replaces what an input or textarea holds (clear() alone fires no input event). */
    void type(WebElement input, String text) {
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }
}
