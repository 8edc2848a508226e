package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.campaigns.Arms;
import io.nudge.campaigns.CampaignDefinition;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The campaign page in a real browser (see {@link BrowserCase}): the editor and its errors, the segment's size, run now and the lift chart. */
class CampaignBrowserIT extends BrowserCase {
    private static final int PRO = 40;
    private static final int FREE = 5;
    private static final int HOLDOUT = 20;
    private static final List<CampaignDefinition.Variant> VARIANTS = List.of(
            new CampaignDefinition.Variant("A", "spring_a", 50), new CampaignDefinition.Variant("B", "spring_b", 50));

    @BeforeEach
    void define() {
        api.call("PUT", "/v1/templates/spring_a", "{'channel':'email','subject':'Spring is here','text':'A'}");
        api.call("PUT", "/v1/templates/spring_b", "{'channel':'email','subject':'20% off this week','text':'B'}");
        api.call("PUT", "/v1/segments/pro", "{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}");
        api.call("PUT", "/v1/segments/free", "{'all':[{'path':'user.attributes.plan','op':'eq','value':'free'}]}");
        // early afternoon in every user's zone, so quiet hours hold nothing back
        String zone = ItTime.zoneAt(13);
        for (int i = 0; i < PRO + FREE; i++) {
            api.call("PUT", "/v1/users/u" + i, "{'email':'u" + i + "@example.com','timezone':'" + zone + "','attributes':{'plan':'"
                    + (i < PRO ? "pro" : "free") + "'},'consent':{'email':'opted_in'}}");
        }
    }

    @Test
    void a_run_started_on_the_page_shows_each_arm_and_the_lift_of_each_variant_with_its_interval() {
        api.call("PUT", "/v1/campaigns/spring", "{'segment':'pro','channel':'email','variants':[{'id':'A','template':'spring_a','weight':50},"
                + "{'id':'B','template':'spring_b','weight':50}],'holdout':" + HOLDOUT + ",'goal':{'event':'purchase_completed','within':'P7D'}}");
        List<String> armA = users().filter(u -> arm(u).equals("A")).toList();
        long held = users().filter(u -> arm(u).equals("holdout")).count();
        assertThat(armA).as("arm A").hasSizeGreaterThan(8);
        assertThat(held).as("the holdout").isPositive();

        openSignedIn("/ui/campaigns/spring");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("segment-size"), PRO + " users"));
        assertThat(browser.findElement(By.id("not-run")).getText()).contains("Not run yet");
        browser.findElement(By.id("run-now")).click();
        String question = acceptConfirm();
        assertThat(question).contains("Send spring to " + PRO + " users in segment pro").contains("A 40 %", "B 40 %", "holdout 20 %");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-result"), "started"));
        String runId = browser.findElement(By.id("run-result")).getText().replaceFirst("^Run (\\S+) started.*$", "$1");
        assertThat(runId).startsWith("manual-");

        // the run's messages, all sent; then a purchase by 8 users of arm A
        ItClient.eventually("every message of the run sent", () -> Optional.of(api.call("GET", "/v1/stats/campaigns/spring", null))
                .filter(s -> s.at("/arms/A/assigned").asInt() + s.at("/arms/B/assigned").asInt() + s.at("/arms/holdout/assigned").asInt() == PRO
                        && s.at("/arms/A/sent").asInt() + s.at("/arms/B/sent").asInt() == PRO - held));
        for (String user : armA.subList(0, 8)) {
            api.call("POST", "/v1/events", "{'id':'buy-" + user + "','userId':'" + user + "','name':'purchase_completed'}");
        }
        JsonNode stats = ItClient.eventually("8 goal conversions in arm A", () -> Optional.of(api.call("GET", "/v1/stats/campaigns/spring", null))
                .filter(s -> s.at("/arms/A/goal_converted").asInt() == 8));

        browser.findElement(By.id("refresh-results")).click();
        // the page reads the numbers again by itself after a run: a result redrawn meanwhile is looked up again
        wait.ignoring(StaleElementReferenceException.class).until(d -> liftShown(stats, armA.size()));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('results-title').scrollIntoView()");
        screenshot("campaign-lift");

        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.navigate().refresh();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.lift-chart")));
            assertFitsWithLabelledInputs("the campaign page");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void a_bad_weight_is_shown_at_that_variants_weight_and_once_fixed_the_campaign_saves_and_a_disabled_one_refuses_to_run() {
        openSignedIn("/ui/campaigns");
        browser.findElement(By.id("new-campaign-id")).sendKeys("autumn");
        browser.findElement(By.xpath("//button[text()='New campaign']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#content h1"), "Campaign autumn"));
        assertThat(browser.findElement(By.id("campaign-state")).getText()).contains("Not saved yet");
        assertThat(browser.findElements(By.id("delete-campaign")).get(0).isDisplayed()).isFalse();

        type(browser.findElement(By.id("campaign-description")), "Autumn sale");
        new Select(browser.findElement(By.id("campaign-segment"))).selectByValue("pro");
        new Select(browser.findElement(By.id("variant-0-template"))).selectByValue("spring_a");
        new Select(browser.findElement(By.id("variant-1-template"))).selectByValue("spring_b");
        WebElement weight = browser.findElement(By.id("variant-1-weight"));
        type(weight, "0");
        browser.findElement(By.id("save-campaign")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-pointer='/variants/1/weight'] > .field-error")));
        assertThat(error.getText()).contains("/variants/1/weight");
        assertThat(weight.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("save-result")).getText()).contains("Not saved");
        assertThat(api.request("GET", "/v1/campaigns/autumn", null).statusCode()).as("nothing stored").isEqualTo(404);
        screenshot("campaign");

        type(weight, "30");
        browser.findElement(By.id("add-variant")).click();
        new Select(browser.findElement(By.id("variant-2-template"))).selectByValue("spring_b");
        browser.findElement(By.cssSelector("[data-pointer='/variants/0'] button.danger")).click();
        type(browser.findElement(By.id("campaign-goal-event")), "purchase_completed");
        browser.findElement(By.id("campaign-enabled")).click();
        browser.findElement(By.id("save-campaign")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("save-result"), "Saved"));
        assertThat(browser.findElements(By.cssSelector("[aria-invalid='true']"))).isEmpty();
        JsonNode saved = api.call("GET", "/v1/campaigns/autumn", null);
        assertThat(saved.at("/variants").size()).isEqualTo(2);
        assertThat(saved.at("/variants/0/id").asText()).isEqualTo("B");
        assertThat(saved.at("/variants/0/weight").asInt()).isEqualTo(30);
        assertThat(saved.at("/variants/1/id").asText()).isEqualTo("C");
        assertThat(saved.at("/description").asText()).isEqualTo("Autumn sale");
        assertThat(saved.at("/goal/event").asText()).isEqualTo("purchase_completed");
        assertThat(saved.at("/enabled").asBoolean()).isFalse();
        assertThat(browser.findElement(By.id("delete-campaign")).isDisplayed()).isTrue();

        browser.findElement(By.id("run-now")).click();
        assertThat(acceptConfirm()).contains("segment pro").contains("B 33.8 %", "C 56.3 %", "holdout 10 %");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-result"), "Not started"));
        assertThat(browser.findElement(By.id("run-result")).getText()).contains("disabled");

        browser.findElement(By.id("delete-campaign")).click();
        assertThat(acceptConfirm()).contains("Delete the campaign autumn");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("campaigns-notice"), "Campaign autumn deleted."));
        assertThat(api.request("GET", "/v1/campaigns/autumn", null).statusCode()).isEqualTo(404);
    }

    @Test
    void the_segments_size_shows_and_follows_the_segment_chosen() {
        api.call("PUT", "/v1/campaigns/spring", "{'segment':'pro','channel':'email','variants':[{'id':'A','template':'spring_a','weight':1}]}");
        openSignedIn("/ui/campaigns");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//table[@id='campaigns-list']//tr[th/a[text()='spring']]")));
        assertThat(row.getText()).contains("pro", "email", "run by hand", "yes");
        row.findElement(By.tagName("a")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("segment-size"), PRO + " users"));
        WebElement estimate = browser.findElement(By.id("segment-estimate"));
        assertThat(estimate.getText()).contains("in segment pro").contains("every user was tested");
        List<WebElement> samples = estimate.findElements(By.cssSelector(".samples a"));
        assertThat(samples).isNotEmpty();
        assertThat(samples.get(0).getDomAttribute("href")).startsWith("/ui/users/u");
        assertThat(browser.findElement(By.id("no-lift")).getText()).contains("Lift needs a holdout");

        new Select(browser.findElement(By.id("campaign-segment"))).selectByValue("free");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("segment-estimate"), "in segment free"));
        assertThat(browser.findElement(By.id("segment-size")).getText()).isEqualTo(FREE + " users");
    }

    /** The lift chart with a row per variant, its whisker, dot and verdict, and the same numbers in the tables. */
    private boolean liftShown(JsonNode stats, int assignedA) {
        List<WebElement> charts = browser.findElements(By.cssSelector("svg.lift-chart"));
        if (charts.isEmpty()) {
            return false;
        }
        List<String> armRow = browser.findElements(By.xpath("//table[@id='arms']//tr[th[text()='A']]/td")).stream().map(WebElement::getText).toList();
        if (armRow.size() < 6 || !armRow.get(5).equals("8")) {
            return false; // not yet the numbers after the purchases
        }
        WebElement chart = charts.get(0);
        for (String arm : List.of("A", "B")) {
            WebElement row = chart.findElement(By.cssSelector("g[data-arm='" + arm + "']"));
            assertThat(row.findElements(By.cssSelector("line.whisker"))).as(arm + "'s whisker and caps").hasSize(3);
            assertThat(row.findElements(By.cssSelector("circle.dot"))).as(arm + "'s lift").hasSize(1);
            boolean significant = stats.at("/lift/" + arm + "/significant").asBoolean();
            assertThat(row.getText()).as(arm + " says whether it is significant").contains(significant ? "✓ significant" : "not significant");
            assertThat(row.getDomAttribute("class")).contains(significant ? "better" : "unclear");
        }
        assertThat(chart.findElements(By.cssSelector("line.zero"))).as("the zero line").hasSize(1);
        assertThat(chart.getText()).contains("pp").contains("percentage points");
        assertThat(armRow.get(0)).as("assigned").isEqualTo(String.valueOf(assignedA));
        assertThat(armRow.get(5)).as("goal conversions").isEqualTo("8");
        double lift = stats.at("/lift/A/absoluteLift").asDouble() * 100;
        WebElement liftRow = browser.findElement(By.xpath("//table[@id='lift-table']//tr[th[text()='A']]"));
        assertThat(liftRow.getText()).contains(String.format(Locale.ROOT, "+%.1f pp", Math.round(lift * 10) / 10.0)).contains(" to ");
        assertThat(browser.findElements(By.xpath("//table[@id='lift-table']//tbody/tr"))).hasSize(2);
        return true;
    }

    private static java.util.stream.Stream<String> users() {
        return IntStream.range(0, PRO).mapToObj(i -> "u" + i);
    }

    private static String arm(String user) {
        return Arms.assign("spring", user, HOLDOUT, VARIANTS);
    }
}
