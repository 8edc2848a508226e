package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.model.Channel;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The preference page in Chromium with JavaScript switched off: it needs none. A person unticks a topic and saves,
 * and the choice is stored; a German speaker gets the German page.
 */
class PreferencePageBrowserIT extends BrowserCase {
    @AfterEach
    void scriptsBackOn() {
        browser.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
    }

    private String preferencesUrl(String userId) {
        return runner.services().unsubscribe().preferencesUrl(userId, Channel.EMAIL);
    }

    @Test
    void a_person_unticks_a_topic_and_saves_without_javascript() {
        api.call("PUT", "/v1/topics/digest", "{'name':'Weekly digest','default':'subscribed','channels':['email']}");
        api.call("PUT", "/v1/topics/offers", "{'name':'Offers','description':'Now and then','default':'unsubscribed','channels':['email']}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com'}");
        browser.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));

        browser.get(preferencesUrl("ada"));
        WebElement digest = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("digest.email")));
        WebElement offers = browser.findElement(By.id("offers.email"));
        assertThat(digest.isSelected()).as("the default: subscribed").isTrue();
        assertThat(offers.isSelected()).as("the default: unsubscribed").isFalse();
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("a***@example.com").contains("Now and then")
                .doesNotContain("ada@example.com");
        digest.click();
        offers.click();
        browser.findElement(By.xpath("//form[@id='preferences']//button[@type='submit']")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Your choices are saved.");
        assertThat(browser.findElement(By.id("digest.email")).isSelected()).isFalse();
        assertThat(browser.findElement(By.id("offers.email")).isSelected()).isTrue();
        screenshot("preference-page");
        var profile = api.call("GET", "/v1/users/ada", null);
        assertThat(profile.at("/subscriptions/digest/email/status").asText()).isEqualTo("unsubscribed");
        assertThat(profile.at("/subscriptions/offers/email/status").asText()).isEqualTo("subscribed");
        assertThat(profile.at("/subscriptions/offers/email/source").asText()).isEqualTo("preference_page");
    }

    @Test
    void a_german_speaker_gets_the_german_page() {
        api.call("PUT", "/v1/topics/digest", "{'name':'Wochenrückblick','default':'subscribed','channels':['email']}");
        api.call("PUT", "/v1/users/jan", "{'email':'jan@example.de','locale':'de'}");
        browser.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));

        browser.get(preferencesUrl("jan"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("digest.email")));
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("de");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Ihre E-Mail- und Nachrichten-Einstellungen");
        browser.findElement(By.xpath("//form[@id='unsubscribe-all']//button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        assertThat(browser.findElement(By.id("notice")).getText()).startsWith("Sie haben alle Marketing-E-Mails abbestellt");
        assertThat(api.call("GET", "/v1/users/jan", null).at("/consent/email/status").asText()).isEqualTo("opted_out");
    }
}
