package io.nudge.bench.console;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Each screen in headless Chromium: a deep link opened (a full page load, as a person following a link does), timed
 * from the navigation's start to the moment {@code #content} holds no {@code .loading} any more, read in the page
 * with {@code performance.now()} by a MutationObserver (no polling delay in the figure).
 */
final class BrowserTiming implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** The page's verdict: shown after {@code millis}, or an error it showed (e.g. a route this build lacks). */
    record Shown(double millis, String error) {}

    private static final String WAIT_SHOWN = """
            const done = arguments[arguments.length - 1];
            const check = () => {
              const content = document.getElementById('content');
              if (!content || content.querySelector('.loading')) return false;
              const alert = content.querySelector('[role=alert]');
              done({ millis: performance.now(), error: alert ? alert.textContent : '' });
              return true;
            };
            if (check()) return;
            const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
            observer.observe(document, { childList: true, subtree: true, attributes: true });
            """;

    private final ChromeDriver browser;
    private final URI base;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    BrowserTiming(URI base, String key) {
        this.base = base;
        // the driver and the browser are named explicitly: Selenium Manager cannot download anything here
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60)).pageLoadTimeout(Duration.ofSeconds(60));
        browser.get(base.resolve("/ui/").toString());
        ((JavascriptExecutor) browser).executeScript("sessionStorage.setItem('nudge.apiKey', arguments[0]);", key);
    }

    /** Opens {@code path} (under /ui/) and waits until its content is shown. */
    Shown open(String path) {
        browser.get(base.resolve(path).toString());
        Object result = ((JavascriptExecutor) browser).executeAsyncScript(WAIT_SHOWN);
        if (result instanceof Map<?, ?> map) {
            Object millis = map.get("millis");
            Object error = map.get("error");
            return new Shown(millis instanceof Number n ? n.doubleValue() : Double.NaN, error == null ? "" : error.toString().strip());
        }
        return new Shown(Double.NaN, "no answer from the page");
    }

    @Override
    public void close() {
        browser.quit();
    }
}
