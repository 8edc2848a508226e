package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The template editor (templates.js) in a real browser: live preview by locale, Liquid errors, SMS segments, save and delete. */
class TemplateEditorBrowserIT extends BrowserCase {
    @Test
    void the_preview_renders_for_a_user_and_again_in_german_when_the_locale_changes() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello',"
                + "'locales':{'de':{'subject':'Willkommen, {{ user.attributes.first_name }}!','html':'<p>Hallo</p>','text':'Hallo'}}}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}");
        openSignedIn("/ui/templates/welcome");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template welcome"));
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Welcome, !"));

        type(browser.findElement(By.id("preview-user")), "ada");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Welcome, Ada!"));
        assertThat(browser.findElement(By.id("preview-variant")).getText()).isEqualTo("The default parts.");
        new Select(browser.findElement(By.id("preview-locale"))).selectByValue("de");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Willkommen, Ada!"));
        assertThat(browser.findElement(By.id("preview-variant")).getText()).isEqualTo("The de variant.");
        assertThat(browser.findElement(By.id("preview-text")).getText()).isEqualTo("Hallo");

        // an unsaved edit of the German subject previews too
        type(browser.findElement(By.id("tpl-locales-de-subject")), "Hallo {{ user.attributes.first_name }}");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Hallo Ada"));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
        screenshot("template-editor");
        assertThat(api.call("GET", "/v1/templates/welcome", null).at("/locales/de/subject").asText()).startsWith("Willkommen");
    }

    @Test
    void broken_liquid_shows_its_line_in_the_preview_and_at_the_field_and_the_fix_is_saved() {
        api.call("PUT", "/v1/templates/news", "{'channel':'email','subject':'News','html':'<p>Hi</p>'}");
        openSignedIn("/ui/templates/news");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "News"));
        WebElement html = browser.findElement(By.id("tpl-html"));

        type(html, "<p>Hi</p>\n{% if %}yes{% endif %}");
        WebElement problem = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("preview-error")));
        assertThat(problem.getText()).startsWith("Line 2, column ").contains(" in html: ");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(fieldError("/html"), "Line 2, column "));
        assertThat(html.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement()).as("the error does not take the focus from the typing").isEqualTo(html);
        screenshot("template-liquid-error");

        String fixed = "<p>Hi{% if user.attributes.vip %} VIP{% endif %}</p>";
        type(html, fixed);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("preview-error")));
        wait.until(ExpectedConditions.textToBe(fieldError("/html"), ""));
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("template-saved"), "Saved"));
        assertThat(api.call("GET", "/v1/templates/news", null).get("html").asText()).isEqualTo(fixed);
    }

    @Test
    void a_webhook_template_previews_its_request_refuses_a_forbidden_url_at_the_field_and_never_shows_its_secret() {
        api.call("PUT", "/v1/users/ada", "{'attributes':{'first_name':'Ada','team':'growth'}}");
        openSignedIn("/ui/templates");
        type(browser.findElement(By.id("new-template-id")), "cart_alert");
        new Select(browser.findElement(By.id("new-template-channel"))).selectByValue("webhook");
        browser.findElement(By.xpath("//button[text()='New template']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template cart_alert"));
        assertThat(browser.findElement(By.cssSelector(".add-locale")).isDisplayed()).as("a webhook has no locales").isFalse();
        assertThat(browser.findElement(By.id("preview-locale")).isDisplayed()).isFalse();

        type(browser.findElement(By.id("tpl-url")), "http://169.254.169.254/latest/meta-data/");
        type(browser.findElement(By.id("tpl-headers")), "{\"Content-Type\": \"application/json\"}");
        type(browser.findElement(By.id("tpl-body")), "{\"text\": {{ user.attributes.first_name | append: \" left a cart\" | json }}}");
        type(browser.findElement(By.id("tpl-secret")), "a-shared-secret");
        type(browser.findElement(By.id("preview-user")), "ada");
        wait.until(ExpectedConditions.textToBe(By.id("webhook-body"), "{\"text\": \"Ada left a cart\"}"));
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(fieldError("/url"), "not a destination Nudge may call"));
        assertThat(api.request("GET", "/v1/templates/cart_alert", null).statusCode()).isEqualTo(404);

        type(browser.findElement(By.id("tpl-url")), "https://hooks.example.com/{{ user.attributes.team }}");
        wait.until(ExpectedConditions.textToBe(By.id("webhook-request"), "POST https://hooks.example.com/growth"));
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("template-saved"), "Saved"));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
        screenshot("webhook-template");
        com.fasterxml.jackson.databind.JsonNode stored = api.call("GET", "/v1/templates/cart_alert", null);
        assertThat(stored.get("secretSet").asBoolean()).isTrue();
        assertThat(stored.toString()).doesNotContain("a-shared-secret");

        open("/ui/templates/cart_alert"); // signed in still (the key is in this tab's session storage)
        shown("/ui/templates/cart_alert");
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tpl-secret")));
        assertThat(secret.getDomProperty("value")).isEmpty();
        assertThat(secret.getDomAttribute("placeholder")).isEqualTo("a secret is stored");
        assertThat(browser.getPageSource()).doesNotContain("a-shared-secret");
    }

    @Test
    void a_new_sms_template_counts_its_segments_and_encoding_as_it_is_typed() {
        openSignedIn("/ui/templates");
        type(browser.findElement(By.id("new-template-id")), "code");
        new Select(browser.findElement(By.id("new-template-channel"))).selectByValue("sms");
        browser.findElement(By.xpath("//button[text()='New template']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template code"));
        assertThat(browser.findElement(By.id("template-status")).getText()).startsWith("Not saved yet");
        assertThat(api.request("GET", "/v1/templates/code", null).statusCode()).as("opening the editor reserves nothing").isEqualTo(404);

        WebElement body = browser.findElement(By.id("tpl-body"));
        body.sendKeys("x".repeat(160));
        wait.until(ExpectedConditions.textToBe(By.id("sms-segments"), "1 segment · GSM_7 · 160 characters"));
        body.sendKeys("y");
        wait.until(ExpectedConditions.textToBe(By.id("sms-segments"), "2 segments · GSM_7 · 161 characters"));
        // ChromeDriver types only the Basic Multilingual Plane: the emoji goes in as typed text would, through the editing command
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus(); document.execCommand('insertText', false, '\uD83D\uDE00');", body);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sms-segments"), "UCS_2 · 163 characters"));
        assertThat(browser.findElement(By.id("sms-segments")).getText()).startsWith("3 segments");
        screenshot("template-sms");

        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("template-saved"), "Saved"));
        assertThat(api.call("GET", "/v1/templates/code", null).get("body").asText()).endsWith("y\uD83D\uDE00");
        assertThat(browser.findElement(By.id("template-status")).getText()).doesNotContain("Not saved");
    }

    @Test
    void a_save_the_api_refuses_shows_the_error_at_the_field_it_names() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome','text':'Hello',"
                + "'locales':{'de':{'subject':'Willkommen','text':'Hallo'}}}");
        openSignedIn("/ui/templates/welcome");
        wait.until(ExpectedConditions.textToBe(By.id("preview-subject"), "Welcome"));

        WebElement subject = browser.findElement(By.id("tpl-locales-de-subject"));
        type(subject, " ");
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("template-saved"), "Not saved"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(fieldError("/locales/de/subject"), "/locales/de/subject must not be empty"));
        assertThat(subject.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement()).as("the refused field is focused").isEqualTo(subject);
        assertThat(api.call("GET", "/v1/templates/welcome", null).at("/locales/de/subject").asText()).isEqualTo("Willkommen");

        type(subject, "Hallo");
        wait.until(ExpectedConditions.textToBe(fieldError("/locales/de/subject"), ""));
        browser.findElement(By.id("template-save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("template-saved"), "Saved"));
        assertThat(api.call("GET", "/v1/templates/welcome", null).at("/locales/de/subject").asText()).isEqualTo("Hallo");
    }

    @Test
    void a_template_is_deleted_after_confirmation() {
        api.call("PUT", "/v1/templates/old", "{'channel':'push','title':'Old','body':'Gone soon'}");
        openSignedIn("/ui/templates/old");
        wait.until(ExpectedConditions.textToBe(By.id("preview-title"), "Old"));
        browser.findElement(By.id("template-delete")).click();
        assertThat(acceptConfirm()).contains("Delete the template old?");
        wait.until(ExpectedConditions.urlToBe(url("/ui/templates")));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#content h1"), "Templates"));
        assertThat(api.request("GET", "/v1/templates/old", null).statusCode()).isEqualTo(404);
    }

    @Test
    void the_list_and_the_editor_fit_a_phone_with_every_input_labelled_and_no_content_security_rule_broken() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome','html':'<p>Hello</p>',"
                + "'locales':{'pt-BR':{'subject':'Bem-vindo','html':'<p>Olá</p>'}}}");
        api.call("PUT", "/v1/templates/push", "{'channel':'push','title':'Hi','body':'There','data':{'url':'/home'}}");
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            openSignedIn("/ui/templates");
            for (String path : List.of("/ui/templates", "/ui/templates/welcome", "/ui/templates/push", "/ui/templates/fresh?channel=sms")) {
                open(path);
                shown(path);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#content h1")));
                if (!path.equals("/ui/templates")) {
                    wait.until(d -> !d.findElement(By.id("preview-output")).getText().isBlank());
                }
                assertFitsWithLabelledInputs(path);
            }
            type(browser.findElement(By.id("tpl-body")), "Your code is {{ event.properties.code }}");
            type(browser.findElement(By.id("preview-properties")), "{'code': ");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(fieldError("/event/properties"), "This is not JSON"));
            type(browser.findElement(By.id("preview-properties")), "{\"code\": \"123456\"}");
            wait.until(ExpectedConditions.textToBe(By.id("preview-body"), "Your code is 123456"));
            screenshot("template-phone");
            assertNoContentSecurityRefusals();
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    /** The error slot of the field (or group) that edits this JSON pointer. */
    private static By fieldError(String pointer) {
        return By.xpath("//div[@data-pointer='" + pointer + "']/p[contains(@class, 'field-error')]");
    }
}
