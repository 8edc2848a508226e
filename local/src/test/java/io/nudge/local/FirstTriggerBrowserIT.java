package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue #15's "done when", as a product person does it in the console of a runner started as {@code ./nudge} starts
 * (the examples loaded): a test user, a template, a trigger tested and saved, an event posted by the app, and the
 * message on the user's page — no API call but the app's event.
 */
class FirstTriggerBrowserIT extends BrowserCase {
    static final Path EXAMPLES = Path.of("..", "examples");

    @BeforeEach
    void startAsNudgeDoes() throws Exception {
        assertThat(Files.isDirectory(EXAMPLES)).as(EXAMPLES.toAbsolutePath() + " exists").isTrue();
        closeRunner();
        startRunner(ItClient.options(data).configDir(Optional.of(EXAMPLES)).build());
    }

    @Test
    void a_product_person_writes_a_trigger_and_its_template_tests_and_saves_them_and_sees_the_message_an_event_makes() {
        // a test user, made in the console
        openSignedIn("/ui/users");
        browser.findElement(By.id("user-id")).sendKeys("grace", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-user")));
        type(browser.findElement(By.id("p-email")), "grace@example.com");
        // quiet hours (21:00-08:00 in the user's zone) defer a marketing send at night: Grace lives where it is midday now
        type(browser.findElement(By.id("p-timezone")), ItTime.zoneAt(13));
        type(browser.findElement(By.id("p-attributes")), "{\"first_name\": \"Grace\"}");
        browser.findElement(By.id("save-profile")).click();
        wait.until(ExpectedConditions.textToBe(By.id("user-id-shown"), "grace"));

        // the trigger first, as one thinks of it: on project_created, when it is the first project
        browser.findElement(By.xpath("//nav/a[text()='Triggers']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-trigger-id"))).sendKeys("first_project", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "not saved yet"));
        type(browser.findElement(By.id("t-event")), "project_created");
        type(browser.findElement(By.id("t-template")), "first_project");
        browser.findElement(By.id("add-condition")).click();
        type(browser.findElement(By.id("c0-path")), "event.properties.count");
        type(browser.findElement(By.id("c0-op")), "eq");
        type(browser.findElement(By.id("c0-value")), "1");

        // its template does not exist yet: write it from the link, on the trigger's channel
        WebElement write = browser.findElement(By.id("template-link"));
        assertThat(write.getText()).isEqualTo("Write the template first_project");
        write.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template first_project"));
        type(browser.findElement(By.id("tpl-subject")), "Your first project, {{ user.attributes.first_name }}!");
        type(browser.findElement(By.id("tpl-html")), "<p>Well done, {{ user.attributes.first_name }}: {{ event.properties.name }} is live.</p>");
        type(browser.findElement(By.id("tpl-text")), "Well done, {{ user.attributes.first_name }}: {{ event.properties.name }} is live.");
        type(browser.findElement(By.id("preview-user")), "grace");
        type(browser.findElement(By.id("preview-properties")), "{\"name\": \"Atlas\"}");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Your first project, Grace!"));
        wait.until(ExpectedConditions.textToBe(By.id("preview-text"), "Well done, Grace: Atlas is live."));
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("template-saved"), "Saved"));

        // back to the trigger: the unsaved draft is there; test it for Grace, then save it
        browser.navigate().back();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("draft-restored"), "Your unsaved changes are back"));
        assertThat(browser.findElement(By.id("template-link")).getText()).isEqualTo("Edit the template first_project");
        type(browser.findElement(By.id("test-user")), "grace");
        type(browser.findElement(By.id("test-properties")), "{\"count\": 1, \"name\": \"Atlas\"}");
        browser.findElement(By.id("run-test")).click();
        wait.until(ExpectedConditions.textToBe(By.id("test-verdict"), "It matches."));
        assertThat(browser.findElement(By.cssSelector("#test-result .content")).getText()).contains("Your first project, Grace!");
        assertThat(browser.findElement(By.id("test-guard-verdict")).getText()).isEqualTo("Every guard passes: it would be sent now.");
        browser.findElement(By.id("save-trigger")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("save-status"), "Saved"));

        // the app posts the event (the curl of the README), and the message shows on Grace's page
        api.call("POST", "/v1/events", "{'id':'project-1','userId':'grace','name':'project_created','properties':{'count':1,'name':'Atlas'}}");
        JsonNode sent = api.settled("grace", "project-1");
        assertThat(sent.get("status").asText()).isEqualTo("SENT");
        browser.findElement(By.xpath("//nav/a[text()='Users']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).sendKeys("grace", Keys.ENTER);
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#messages [data-message-id='" + sent.get("id").asText() + "']")));
        assertThat(message.findElement(By.className("subject")).getText()).isEqualTo("Your first project, Grace!");
        assertThat(message.findElement(By.className("status")).getText()).isEqualTo("SENT");
        assertThat(browser.findElement(By.cssSelector("#timeline [data-event-id='project-1']")).getText()).contains("first_project");
        screenshot("first-trigger-user");
    }
}
