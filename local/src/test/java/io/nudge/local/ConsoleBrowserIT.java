package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The console's part 1 in a real browser (see {@link BrowserCase}): sign-in, the screens that explain, keys and suppressions. */
class ConsoleBrowserIT extends BrowserCase {
    @Test
    void the_admin_key_signs_in_with_enter_and_sign_out_forgets_it() {
        open("/ui/");
        screenshot("sign-in");
        signIn(ItClient.KEY);
        WebElement nav = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header nav")));
        assertThat(nav.getText()).contains("Overview", "Messages", "Users");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Overview"));
        screenshot("signed-in");
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
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada'}}");
        api.call("POST", "/v1/events", "{'id':'signup-ada','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        JsonNode sent = api.settled("ada", "signup-ada");
        assertThat(sent.get("status").asText()).isEqualTo("SENT");

        open("/ui/users/ada");
        keyInput();
        signIn(ItClient.KEY);
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#messages [data-message-id='" + sent.get("id").asText() + "']")));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/ui/users/ada"));
        assertThat(message.findElement(By.className("subject")).getText()).isEqualTo("Welcome, Ada!");
        assertThat(message.findElement(By.className("status")).getText()).isEqualTo("SENT");
        WebElement entry = browser.findElement(By.cssSelector("#timeline [data-message-id='" + sent.get("id").asText() + "']"));
        List<String> history = entry.findElements(By.cssSelector(".history li")).stream().map(WebElement::getText).toList();
        assertThat(history).hasSize(sent.get("history").size()).isNotEmpty();
        assertThat(history.get(history.size() - 1)).contains("SENT");
        assertThat(browser.findElement(By.id("user-id-shown")).getText()).isEqualTo("ada");
        screenshot("user");
    }

    @Test
    void markup_in_an_attribute_and_a_subject_renders_as_text_and_runs_nothing() {
        defineWelcome();
        api.callRaw("PUT", "/v1/users/mallory", "{\"email\":\"mallory@example.com\",\"timezone\":\"" + ItTime.zoneAt(13) + "\",\"attributes\":{\"first_name\":\"" + XSS + "\"}}");
        api.call("POST", "/v1/events", "{'id':'signup-mallory','userId':'mallory','name':'signed_up','properties':{'plan':'pro','note':'" + XSS + "'}}");
        api.settled("mallory", "signup-mallory");

        open("/ui/users/mallory");
        signIn(ItClient.KEY);
        WebElement attributes = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("attributes")));
        assertThat(attributes.getText()).contains(XSS);
        assertThat(browser.findElement(By.cssSelector(".message-item .subject")).getText()).isEqualTo("Welcome, " + XSS + "!");
        assertThat(browser.findElement(By.cssSelector("#timeline [data-event-id='signup-mallory'] .properties")).getText())
                .as("an event property").contains(XSS);
        assertThat(browser.findElements(By.tagName("img"))).as("no element was injected").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        screenshot("xss-inert");
    }

    @Test
    void the_timeline_shows_the_condition_that_kept_an_event_from_matching_with_expected_and_actual() {
        defineWelcome();
        api.call("PUT", "/v1/users/bob", "{'email':'bob@example.com','timezone':'" + ItTime.zoneAt(13) + "'}");
        api.call("POST", "/v1/events", "{'id':'signup-bob','userId':'bob','name':'signed_up','properties':{'plan':'free'}}");
        ItClient.eventually("the evaluation of signup-bob", () -> java.util.Optional.of(api.call("GET", "/v1/events/signup-bob", null))
                .filter(e -> e.path("evaluation").size() > 0));

        open("/ui/users/bob");
        signIn(ItClient.KEY);
        WebElement event = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-event-id='signup-bob']")));
        WebElement decision = event.findElement(By.className("decision"));
        assertThat(decision.getText()).contains("welcome").contains("did not match").contains("event.properties.plan");
        assertThat(decision.findElement(By.className("expected")).getText()).isEqualTo("\"pro\"");
        assertThat(decision.findElement(By.className("actual")).getText()).isEqualTo("\"free\"");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("signed_up");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('timeline-title').scrollIntoView()");
        screenshot("timeline");
    }

    @Test
    void a_message_search_narrows_by_status() {
        defineWelcome();
        sendWelcome("ada", "ada@example.com");
        api.call("PUT", "/v1/users/carol", "{'attributes':{'first_name':'Carol'}}");
        api.call("POST", "/v1/events", "{'id':'signup-carol','userId':'carol','name':'signed_up','properties':{'plan':'pro'}}");
        assertThat(api.settled("carol", "signup-carol").get("status").asText()).isEqualTo("SUPPRESSED");

        open("/ui/messages?triggerId=welcome");
        signIn(ItClient.KEY);
        wait.until(d -> d.findElements(By.cssSelector("#results tbody tr")).size() == 2);
        screenshot("messages");
        new Select(browser.findElement(By.id("status"))).selectByValue("SENT");
        browser.findElement(By.xpath("//form//button[text()='Search']")).click();
        wait.until(ExpectedConditions.urlContains("status=SENT"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("results-status"), "1 message shown"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#results tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("SENT").contains("ada");
    }

    @Test
    void a_message_page_shows_the_email_in_a_sandboxed_frame_where_nothing_runs() {
        api.callRaw("PUT", "/v1/templates/welcome", """
                {"channel":"email","subject":"Welcome, {{ user.attributes.first_name }}!",
                 "html":"<p id=\\"hello\\" style=\\"color: rgb(180, 35, 24)\\">Hello {{ user.attributes.first_name }}</p><script>parent.document.title = 'scripted'; alert(1)</script><img src=x onerror=alert(2)>",
                 "text":"Hello {{ user.attributes.first_name }}"}""");
        api.call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome'}");
        JsonNode sent = sendWelcome("ada", "ada@example.com");

        open("/ui/messages/" + sent.get("id").asText());
        signIn(ItClient.KEY);
        WebElement frame = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("iframe.email-frame")));
        assertThat(frame.getDomAttribute("sandbox")).as("every sandbox restriction").isEmpty();
        assertThat(browser.findElement(By.id("message-status")).getText()).isEqualTo("SENT");
        assertThat(browser.findElement(By.className("text-part")).getText()).isEqualTo("Hello Ada");
        screenshot("message");
        browser.switchTo().frame(frame);
        WebElement hello = browser.findElement(By.id("hello"));
        assertThat(hello.getText()).isEqualTo("Hello Ada");
        assertThat(hello.getCssValue("color")).as("the email's inline style applies").isEqualTo("rgba(180, 35, 24, 1)");
        browser.switchTo().defaultContent();
        assertThat(browser.getTitle()).doesNotContain("scripted");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void the_overview_counts_what_was_sent_and_the_definition_pages_and_outbox_show_it() {
        defineWelcome();
        JsonNode sent = sendWelcome("ada", "ada@example.com");
        ItClient.eventually("the welcome trigger's sent counter", () -> java.util.Optional.of(api.call("GET", "/v1/stats/triggers/welcome", null))
                .filter(s -> s.at("/totals/sent").asInt() == 1));

        open("/ui/");
        signIn(ItClient.KEY);
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//table[@id='triggers-table']//tr[th/a[text()='welcome']]")));
        List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(cells.get(1)).as("triggered").isEqualTo("1");
        assertThat(cells.get(2)).as("sent").isEqualTo("1");
        assertThat(browser.findElements(By.cssSelector("svg.chart polyline"))).isNotEmpty();
        new Select(browser.findElement(By.id("chart-subject"))).selectByValue("trigger:welcome");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".chart-box figcaption"), "trigger welcome"));
        screenshot("overview");

        browser.findElement(By.xpath("//table[@id='triggers-table']//a[text()='welcome']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Trigger welcome"));
        screenshot("trigger");
        browser.findElement(By.id("template-link")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Template welcome"));
        screenshot("template");

        browser.findElement(By.xpath("//nav/a[text()='Outbox']")).click();
        WebElement email = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#outbox [data-message-id='" + sent.get("id").asText() + "']")));
        assertThat(email.findElement(By.className("subject")).getText()).isEqualTo("Welcome, Ada!");
        screenshot("outbox");
    }

    @Test
    void every_screen_fits_a_phone_labels_its_inputs_and_breaks_no_content_security_rule() {
        defineWelcome();
        JsonNode sent = sendWelcome("ada", "ada@example.com");
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            open("/ui/");
            signIn(ItClient.KEY);
            // signed in once the key is kept: only then may the next address load
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("header nav")));
            for (String path : List.of("/ui/", "/ui/messages?triggerId=welcome", "/ui/messages/" + sent.get("id").asText(),
                    "/ui/users/ada", "/ui/users", "/ui/triggers", "/ui/triggers/welcome", "/ui/templates", "/ui/templates/welcome",
                    "/ui/campaigns", "/ui/campaigns/weekly", "/ui/triggers/draft", "/ui/outbox", "/ui/webhooks", "/ui/topics")) {
                open(path);
                wait.withMessage(path + " shows its page").until(d -> d.findElements(By.cssSelector("#content .loading")).isEmpty()
                        && !d.findElements(By.cssSelector("#content h1")).isEmpty());
                assertFitsWithLabelledInputs(path);
                assertThat((Long) ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll('#content [role=alert]')].filter(e => e.textContent.trim() !== '').length;"))
                        .as(path + " shows no error").isZero();
            }
            screenshot("phone-user");
            assertNoContentSecurityRefusals();
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void a_key_is_created_shown_once_and_revoked_and_suppressions_are_added_and_removed() {
        open("/ui/keys");
        signIn(ItClient.KEY);
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-name")));
        name.sendKeys("backend");
        new Select(browser.findElement(By.id("key-scope"))).selectByValue("ingest");
        browser.findElement(By.xpath("//button[text()='Create key']")).click();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key")));
        String key = secret.getDomProperty("value");
        assertThat(key).startsWith("nudge_");
        screenshot("keys");
        String id = browser.findElement(By.xpath("//tr[th[text()='backend']]")).getDomAttribute("data-key-id");
        assertThat(api.call("GET", "/v1/keys", null).get("keys").toString()).contains(id).contains("\"ingest\"");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tr[th[text()='backend']]")));
        assertThat(browser.findElements(By.id("new-key"))).as("the secret is shown once").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(key);
        browser.findElement(By.cssSelector("tr[data-key-id='" + id + "'] button")).click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-key-id='" + id + "']")));
        assertThat(api.call("GET", "/v1/keys", null).get("keys").toString()).doesNotContain(id);

        browser.findElement(By.xpath("//nav/a[text()='Suppressions']")).click();
        WebElement address = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-address")));
        address.sendKeys("grace@example.com");
        browser.findElement(By.xpath("//button[text()='Suppress']")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//table[@id='suppressions-table']//tr[th[text()='grace@example.com']]")));
        assertThat(row.getText()).contains("manual").contains("api");
        assertThat(api.call("GET", "/v1/suppressions/email/grace@example.com", null).get("reason").asText()).isEqualTo("manual");
        screenshot("suppressions");
        row.findElement(By.tagName("button")).click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-suppressions")));
    }

    /** A profile with an email and its signed_up event; the welcome message once SENT. */
    @Test
    void the_topics_page_shows_each_topic_with_its_numbers_and_a_users_page_their_choices() {
        api.call("PUT", "/v1/topics/digest", "{'name':'Weekly digest','default':'subscribed','channels':['email']}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','subscriptions':{'digest':{'email':'unsubscribed'}}}");
        open("/ui/topics");
        signIn(ItClient.KEY);
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//table[@id='topics-table']//tr[th[text()='Weekly digest']]")));
        assertThat(row.getText()).contains("digest").contains("subscribed").contains("email: 0 subscribed, 1 unsubscribed");
        screenshot("topics");
        open("/ui/users/ada");
        WebElement choices = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("topic-choices")));
        assertThat(choices.getText()).contains("digest on email: unsubscribed, from api");
        assertNoContentSecurityRefusals();
    }

    @Test
    void a_webhook_subscription_shows_its_secret_once_and_its_delivery_attempts() {
        defineWelcome();
        open("/ui/webhooks");
        signIn(ItClient.KEY);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-id"))).sendKeys("warehouse");
        // a name nothing answers for here: the attempt fails, and the page says why
        browser.findElement(By.id("webhook-url")).sendKeys("https://hooks.invalid/nudge");
        browser.findElement(By.id("webhook-type-user.unsubscribed")).click();
        browser.findElement(By.xpath("//button[text()='Save subscription']")).click();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhook-secret-value")));
        String value = secret.getDomProperty("value");
        assertThat(value).startsWith("whsec_");
        JsonNode stored = api.call("GET", "/v1/webhooks/warehouse", null);
        assertThat(stored.get("events").toString()).contains("message.sent").contains("user.unsubscribed");
        assertThat(stored.has("secret")).isFalse();
        screenshot("webhooks");

        sendWelcome("ada", "ada@example.com");
        browser.findElement(By.xpath("//table[@id='webhooks-table']//a[text()='warehouse']")).click();
        WebElement attempt = wait.withMessage("the failed attempt is listed").until(d -> {
            List<WebElement> rows = d.findElements(By.xpath("//table[@id='deliveries-table']//tr[td[text()='message.sent']]"));
            if (rows.isEmpty()) {
                d.navigate().refresh();
                return null;
            }
            return rows.get(0);
        });
        assertThat(attempt.getText()).contains("failed").contains("1");
        screenshot("webhook-deliveries");

        open("/ui/webhooks");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tr[@data-webhook-id='warehouse']")));
        assertThat(browser.findElements(By.id("webhook-secret-value"))).as("the secret is shown once").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(value);
        assertNoContentSecurityRefusals();
    }

    private JsonNode sendWelcome(String userId, String email) {
        api.call("PUT", "/v1/users/" + userId, "{'email':'" + email + "','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada'}}");
        api.call("POST", "/v1/events", "{'id':'signup-" + userId + "','userId':'" + userId + "','name':'signed_up','properties':{'plan':'pro'}}");
        JsonNode sent = api.settled(userId, "signup-" + userId);
        assertThat(sent.get("status").asText()).isEqualTo("SENT");
        return sent;
    }

    private void defineWelcome() {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello {{ user.attributes.first_name }}'}");
        api.call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}");
    }
}
