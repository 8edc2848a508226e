package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Triggers in the console (see {@link BrowserCase}): the list, the editor with the API's errors at their field, and the test panel. */
class TriggerEditorBrowserIT extends BrowserCase {

    @Test
    void a_trigger_saved_with_a_bad_operator_shows_the_error_at_that_field_and_once_fixed_is_saved_disabled_enabled_and_deleted() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome!','text':'Hello'}");
        openSignedIn("/ui/triggers");
        assertThat(browser.findElement(By.id("no-triggers")).getText()).contains("No triggers yet");
        browser.findElement(By.id("new-trigger-id")).sendKeys("welcome", Keys.ENTER);
        wait.until(ExpectedConditions.urlToBe(url("/ui/triggers/welcome")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "not saved yet"));

        type(input("t-event"), "signed_up");
        type(input("t-template"), "welcome");
        browser.findElement(By.id("add-condition")).click();
        type(input("c0-path"), "event.properties.plan");
        type(input("c0-op"), "equals");
        type(input("c0-value"), "pro");
        browser.findElement(By.id("save-trigger")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-pointer='/conditions/0/op'] > .field-error")));
        assertThat(error.getText()).contains("unknown operator 'equals'");
        assertThat(input("c0-op").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).as("the bad field has the focus").isEqualTo("c0-op");
        assertThat(api.send("GET", "/v1/triggers/welcome", null).statusCode()).as("nothing was stored").isEqualTo(404);
        screenshot("trigger-error");

        // the template is a click away, and the unsaved trigger is still there on the way back
        assertThat(browser.findElement(By.id("template-link")).getText()).isEqualTo("Edit the template welcome");
        browser.findElement(By.id("template-link")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template welcome"));
        browser.navigate().back();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("draft-restored"), "Your unsaved changes are back"));
        assertThat(input("c0-op").getDomProperty("value")).isEqualTo("equals");
        assertThat(input("t-event").getDomProperty("value")).isEqualTo("signed_up");

        type(input("c0-op"), "eq");
        browser.findElement(By.id("save-trigger")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("save-status"), "Saved"));
        assertThat(browser.findElements(By.cssSelector(".field-error")).stream().map(WebElement::getText).filter(t -> !t.isEmpty()))
                .as("the error is gone").isEmpty();
        JsonNode stored = api.call("GET", "/v1/triggers/welcome", null);
        assertThat(stored.at("/conditions/0/op").asText()).isEqualTo("eq");
        assertThat(stored.at("/conditions/0/value").asText()).isEqualTo("pro");
        assertThat(stored.get("enabled").asBoolean()).isTrue();
        assertThat(browser.findElement(By.cssSelector("#content h1")).getText()).isEqualTo("Trigger welcome");

        browser.findElement(By.id("toggle-enabled")).click();
        assertThat(acceptConfirm()).startsWith("Disable the trigger welcome?");
        wait.until(ExpectedConditions.textToBe(By.id("trigger-state"), "Disabled"));
        assertThat(api.call("GET", "/v1/triggers/welcome", null).get("enabled").asBoolean()).isFalse();

        browser.findElement(By.xpath("//nav/a[text()='Triggers']")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//table[@id='triggers-list']//tr[th/a[text()='welcome']]")));
        List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(cells.subList(0, 4)).containsExactly("signed_up", "email", "welcome", "Disabled");
        screenshot("triggers");

        row.findElement(By.linkText("welcome")).click();
        wait.until(ExpectedConditions.textToBe(By.id("toggle-enabled"), "Enable"));
        browser.findElement(By.id("toggle-enabled")).click();
        assertThat(acceptConfirm()).startsWith("Enable the trigger welcome?");
        wait.until(ExpectedConditions.textToBe(By.id("trigger-state"), "Enabled"));
        assertThat(api.call("GET", "/v1/triggers/welcome", null).get("enabled").asBoolean()).isTrue();

        browser.findElement(By.id("delete-trigger")).click();
        assertThat(acceptConfirm()).startsWith("Delete the trigger welcome?");
        wait.until(ExpectedConditions.urlToBe(url("/ui/triggers")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-triggers")));
        assertThat(api.send("GET", "/v1/triggers/welcome", null).statusCode()).isEqualTo(404);
    }

    @Test
    void the_test_panel_shows_the_failing_condition_the_preview_and_guards_and_the_suppression_of_a_suppressed_address() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello {{ user.attributes.first_name }}'}");
        api.call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada'}}");
        api.call("PUT", "/v1/users/bob", "{'email':'bob@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Bob'}}");
        api.call("PUT", "/v1/users/carol", "{'email':'carol@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Carol'}}");
        api.call("PUT", "/v1/suppressions/email/carol@example.com", "{'reason':'bounced'}");
        openSignedIn("/ui/triggers/welcome");

        runTest("bob", "{\"plan\": \"free\"}");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("test-verdict"), "does not match"));
        WebElement condition = browser.findElement(By.cssSelector("#test-conditions tbody tr"));
        assertThat(condition.findElement(By.className("expected")).getText()).isEqualTo("\"pro\"");
        assertThat(condition.findElement(By.className("actual")).getText()).isEqualTo("\"free\"");
        assertThat(condition.findElement(By.className("holds")).getText()).isEqualTo("fails");
        assertThat(browser.findElements(By.cssSelector("#test-result iframe"))).as("no message, no preview").isEmpty();
        screenshot("trigger-test-no-match");

        runTest("ada", "{\"plan\": \"pro\"}");
        wait.until(ExpectedConditions.textToBe(By.id("test-verdict"), "It matches."));
        assertThat(browser.findElement(By.id("test-message")).getText()).contains("marketing email message from template welcome")
                .contains("ready to send at once");
        assertThat(browser.findElement(By.cssSelector("#test-result .content")).getText()).contains("Welcome, Ada!");
        browser.switchTo().frame(browser.findElement(By.cssSelector("#test-result iframe.email-frame")));
        assertThat(browser.findElement(By.tagName("p")).getText()).isEqualTo("Hello Ada");
        browser.switchTo().defaultContent();
        assertThat(guard("suppression").getDomAttribute("data-verdict")).isEqualTo("pass");
        assertThat(browser.findElement(By.id("test-guard-verdict")).getText()).isEqualTo("Every guard passes: it would be sent now.");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('test-verdict').scrollIntoView()");
        screenshot("trigger-test");

        runTest("carol", "{\"plan\": \"pro\"}");
        wait.until(d -> guard("suppression").getDomAttribute("data-verdict").equals("stop"));
        assertThat(browser.findElement(By.id("test-verdict")).getText()).isEqualTo("It matches.");
        assertThat(guard("suppression").getText()).contains("suppression: stop").contains("on the suppression list (bounced");
        assertThat(browser.findElement(By.id("test-guard-verdict")).getText()).startsWith("It would be stopped by suppression");

        // an unsaved edit is what gets tested: bob matches once the form says "free"
        type(input("c0-value"), "free");
        runTest("bob", "{\"plan\": \"free\"}");
        wait.until(ExpectedConditions.textToBe(By.id("test-verdict"), "It matches."));
        assertThat(api.call("GET", "/v1/triggers/welcome", null).at("/conditions/0/value").asText()).as("still stored as saved").isEqualTo("pro");

        // an unknown user is named at the user field
        runTest("nobody", "{}");
        WebElement unknown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-pointer='/userId'] > .field-error")));
        assertThat(unknown.getText()).contains("no user nobody");

        for (String user : List.of("ada", "bob", "carol")) {
            assertThat(api.call("GET", "/v1/users/" + user + "/messages", null).get("messages")).as(user + "'s messages").isEmpty();
        }
        assertThat(api.call("GET", "/v1/stats/triggers/welcome", null).at("/totals/triggered").asInt()).as("nothing counted").isZero();
    }

    /** Submitting replaces the last answer with "Testing…" at once, so a wait for the next verdict cannot see the last. */
    private void runTest(String userId, String properties) {
        type(input("test-user"), userId);
        type(input("test-properties"), properties);
        browser.findElement(By.id("run-test")).click();
    }

    private WebElement guard(String name) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#test-guards li[data-guard='" + name + "']")));
    }

    private WebElement input(String id) {
        return browser.findElement(By.id(id));
    }
}
