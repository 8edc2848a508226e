package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium driven through Selenium against a local runner. Without
 * Chromium the tests are skipped (saying how to install it), unless {@code CI=true}, where a missing browser fails.
 * Each screen is saved under {@code target/screenshots/}.
 */
class ConsoleBrowserIT extends LocalRunnerCase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final String XSS = "<img src=x onerror=alert(1)>";

    private static ChromeDriver browser;
    private WebDriverWait wait;

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

    @Test
    void the_admin_key_signs_in_with_enter_and_sign_out_forgets_it() {
        open("/ui/");
        screenshot("sign-in");
        signIn(ItClient.KEY);
        WebElement nav = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header nav")));
        assertThat(nav.getText()).contains("Overview", "Messages", "Users");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Overview"));
        screenshot("overview");
        assertThat(storedKey()).isEqualTo(ItClient.KEY);
        assertThat(browser.getCurrentUrl()).endsWith("/ui/").doesNotContain(ItClient.KEY);

        browser.findElement(By.xpath("//nav/a[text()='Users']")).click();
        wait.until(ExpectedConditions.urlToBe(url("/ui/users")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id")));
        screenshot("users");

        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        keyInput();
        assertThat(storedKey()).isNull();
    }

    @Test
    void a_wrong_key_is_refused() {
        open("/ui/");
        signIn("nudge_not_a_key");
        wait.until(ExpectedConditions.textToBe(By.id("sign-in-message"), "That key is not valid."));
        screenshot("wrong-key");
        assertThat(storedKey()).isNull();
    }

    @Test
    void an_ingest_key_is_told_it_cannot_use_the_console() {
        String ingest = api.call("POST", "/v1/keys", "{'scope':'ingest','name':'backend'}").get("key").asText();
        open("/ui/");
        signIn(ingest);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-message"), "cannot use the console"));
        assertThat(browser.findElement(By.id("sign-in-message")).getText()).contains("ingest key").contains("admin scope");
        screenshot("ingest-key");
        assertThat(storedKey()).isNull();
    }

    @Test
    void a_deep_link_survives_sign_in_and_shows_the_users_sent_message_with_its_history() {
        defineWelcome();
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}");
        api.call("POST", "/v1/events", "{'id':'signup-ada','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        JsonNode sent = api.settled("ada", "signup-ada");
        assertThat(sent.get("status").asText()).isEqualTo("SENT");

        open("/ui/users/ada");
        keyInput();
        signIn(ItClient.KEY);
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-message-id='" + sent.get("id").asText() + "']")));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/ui/users/ada"));
        assertThat(message.findElement(By.className("subject")).getText()).isEqualTo("Welcome, Ada!");
        assertThat(message.findElement(By.className("status")).getText()).isEqualTo("SENT");
        List<String> history = message.findElements(By.cssSelector(".history li")).stream().map(WebElement::getText).toList();
        assertThat(history).hasSize(sent.get("history").size()).isNotEmpty();
        assertThat(history.get(history.size() - 1)).contains("SENT");
        assertThat(browser.findElement(By.id("user-id-shown")).getText()).isEqualTo("ada");
        screenshot("user");
    }

    @Test
    void markup_in_an_attribute_and_a_subject_renders_as_text_and_runs_nothing() {
        defineWelcome();
        api.callRaw("PUT", "/v1/users/mallory", "{\"email\":\"mallory@example.com\",\"attributes\":{\"first_name\":\"" + XSS + "\"}}");
        api.call("POST", "/v1/events", "{'id':'signup-mallory','userId':'mallory','name':'signed_up','properties':{'plan':'pro'}}");
        api.settled("mallory", "signup-mallory");

        open("/ui/users/mallory");
        signIn(ItClient.KEY);
        WebElement attributes = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("attributes")));
        assertThat(attributes.getText()).contains(XSS);
        assertThat(browser.findElement(By.cssSelector(".message-item .subject")).getText()).isEqualTo("Welcome, " + XSS + "!");
        assertThat(browser.findElements(By.tagName("img"))).as("no element was injected").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        screenshot("xss-inert");
    }

    private void defineWelcome() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello {{ user.attributes.first_name }}'}");
        api.call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + runner.port() + path;
    }

    private void open(String path) {
        browser.get(url(path));
    }

    /** The sign-in form's one input, found by its label. */
    private WebElement keyInput() {
        WebElement label = wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//label[text()='API key']")));
        return browser.findElement(By.id(label.getDomAttribute("for")));
    }

    private void signIn(String key) {
        WebElement input = keyInput();
        input.clear();
        input.sendKeys(key, Keys.ENTER);
    }

    private String storedKey() {
        return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('nudge.apiKey');");
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
