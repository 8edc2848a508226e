package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** Journeys in the console (see {@link BrowserCase}): the list, a journey's graph and tables, and a user's instances. */
class JourneyBrowserIT extends BrowserCase {
    /** The onboarding journey, entered on its own event. */
    static final String ONBOARDING = """
            {'name':'Onboarding','enabled':true,
             'entry':{'event':'trial_started','conditions':[{'path':'event.properties.plan','op':'ne','value':'internal'}]},
             'reentry':'once',
             'exitOn':[{'event':'account_closed'},{'event':'purchase_completed','match':['properties.cartId']}],
             'conversion':{'event':'project_created','within':'P14D','exit':true},
             'start':'welcome',
             'steps':{
              'welcome':{'type':'send','channel':'email','template':'welcome_email','priority':'transactional','next':'wait_day'},
              'wait_day':{'type':'delay','duration':'P1D','sendAt':{'localTime':'10:00'},'next':'created'},
              'created':{'type':'wait_for','event':'project_created','match':[],'timeout':'P2D','next':'congrats','timeoutNext':'engaged'},
              'engaged':{'type':'branch','branches':[{'conditions':[{'path':'steps.welcome.opened','op':'eq','value':true}],'next':'tips'}],'default':'sms'},
              'tips':{'type':'split','arms':[{'id':'A','weight':50,'next':'tips_a'},{'id':'B','weight':50,'next':'tips_b'}]},
              'tips_a':{'type':'send','channel':'email','template':'tips_a','next':'mark'},
              'tips_b':{'type':'send','channel':'email','template':'tips_b','next':'mark'},
              'sms':{'type':'send','channel':'sms','template':'nudge_sms','next':'mark'},
              'mark':{'type':'update_user','attributes':{'onboarding':'nudged'},'next':'end'},
              'congrats':{'type':'send','channel':'email','template':'congrats','next':'end'},
              'end':{'type':'exit'}}}""";

    @Test
    void the_journey_page_draws_a_node_per_step_and_an_edge_per_transition_and_the_user_page_shows_the_instance() {
        for (String template : List.of("welcome_email", "tips_a", "tips_b", "congrats")) {
            api.call("PUT", "/v1/templates/" + template, "{'channel':'email','subject':'" + template + "','text':'Hello'}");
        }
        api.call("PUT", "/v1/templates/nudge_sms", "{'channel':'sms','body':'Create your first project'}");
        JsonNode stored = api.call("PUT", "/v1/journeys/onboarding", ONBOARDING);
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}");
        api.call("POST", "/v1/events", "{'id':'trial-ada','userId':'ada','name':'trial_started','properties':{'plan':'pro'}}");

        openSignedIn("/ui/journeys");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//table[@id='journeys-list']//tr[th/a[text()='onboarding']]")));
        assertThat(row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .containsExactly("Onboarding", "trial_started", "yes", stored.get("version").asText(), "11");
        assertThat(browser.findElement(By.id("journeys-note")).getText()).contains("PUT /v1/journeys/{id}").contains("examples/journeys/");
        assertThat(browser.findElement(By.xpath("//nav/a[text()='Journeys']")).getDomAttribute("aria-current")).isEqualTo("page");

        row.findElement(By.linkText("onboarding")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#content h1"), "Journey onboarding"));
        Set<String> steps = fieldNames(stored.get("steps"));
        Set<List<String>> transitions = transitions(stored.get("steps"));
        assertThat(transitions).as("the onboarding journey's distinct transitions").hasSize(13);
        List<WebElement> nodes = browser.findElements(By.cssSelector("svg.journey-graph [data-step]"));
        assertThat(nodes.stream().map(n -> n.getDomAttribute("data-step")).toList()).containsExactlyInAnyOrderElementsOf(steps);
        List<WebElement> edges = browser.findElements(By.cssSelector("svg.journey-graph [data-from]"));
        assertThat(edges.stream().map(e -> List.of(e.getDomAttribute("data-from"), e.getDomAttribute("data-to"))).toList())
                .containsExactlyInAnyOrderElementsOf(transitions);
        assertThat(edge("created", "engaged").getText()).startsWith("timeout");
        assertThat(edge("engaged", "sms").getText()).startsWith("default");
        assertThat(edge("tips", "tips_b").getText()).startsWith("arm B");
        assertThat(node("welcome").getText()).contains("welcome").contains("email · welcome_email");
        assertThat(node("wait_day").getText()).contains("wait 1 day, then at 10:00");
        assertThat(node("created").getText()).contains("wait for project_created ≤ 2 days");
        assertThat(node("tips").getText()).contains("split A 50 · B 50");
        assertNoOverlappingNodes();

        List<WebElement> rows = browser.findElements(By.cssSelector("#journey-edges tbody tr"));
        assertThat(rows.stream().map(r -> List.of(r.findElement(By.tagName("th")).getText(),
                r.findElements(By.tagName("td")).get(1).getText())).toList()).containsExactlyInAnyOrderElementsOf(transitions);
        assertThat(browser.findElements(By.cssSelector("#journey-steps tbody tr"))).hasSize(steps.size());
        assertThat(browser.findElement(By.id("journey-facts")).getText()).contains("trial_started when event.properties.plan ne \"internal\"")
                .contains("project_created within 14 days, then exits").contains("account_closed; purchase_completed (same properties.cartId)");
        assertThat(new Select(browser.findElement(By.id("journey-version")))
                .getFirstSelectedOption().getText()).isEqualTo(stored.get("version").asText() + " (current)");
        ItClient.eventually("the stats count welcome → wait_day", () -> Optional.of(api.call("GET", "/v1/stats/journeys/onboarding", null))
                .filter(s -> s.at("/steps/welcome/edges/wait_day").asLong() == 1));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(edgeCount("welcome", "wait_day"), "1"));
        assertThat(edge("welcome", "wait_day").getText()).isEqualTo("next · 1");
        assertNoContentSecurityRefusals();
        ((JavascriptExecutor) browser).executeScript("document.querySelector('svg.journey-graph').scrollIntoView()");
        screenshot("journey");

        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.navigate().refresh();
            shown("the journey page on a phone");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.journey-graph")));
            assertFitsWithLabelledInputs("the journey page");
            assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
                    "const r = document.querySelector('svg.journey-graph').getBoundingClientRect(); return r.width > 300 && r.right <= window.innerWidth;"))
                    .as("the graph scales to the phone's width").isTrue();
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }

        ItClient.eventually("ada's welcome message", () -> Optional.of(api.messages("ada")).filter(m -> m.size() == 1));
        browser.get(url("/ui/users/ada"));
        shown("the user's page");
        assertThat(browser.findElement(By.cssSelector("#messages .meta")).getText()).contains("journey onboarding v1, step welcome");
        assertThat(browser.findElement(By.cssSelector("#timeline .decision")).getText()).isEqualTo("✓ Journey onboarding: entered the journey");
        WebElement instance = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#journeys [data-instance-id]")));
        assertThat(instance.findElement(By.linkText("onboarding")).getDomAttribute("href")).startsWith("/ui/journeys/onboarding?version=");
        assertThat(instance.getText()).contains("active");
        assertThat(instance.findElements(By.cssSelector(".journey-path li")).stream().map(li -> li.getDomAttribute("data-step")).toList())
                .startsWith("welcome", "wait_day");
        assertThat(instance.findElement(By.cssSelector(".journey-path li[data-step='wait_day']")).getText()).contains("wait_day (next)");
        assertNoContentSecurityRefusals();
        ((JavascriptExecutor) browser).executeScript("document.querySelector('.user-journeys').previousElementSibling.scrollIntoView()");
        screenshot("journey-user");

        // a new version: the page shows it as current, and the select opens the one before
        api.call("PUT", "/v1/journeys/onboarding", ONBOARDING.replace("'name':'Onboarding'", "'name':'Onboarding, second take'"));
        browser.get(url("/ui/journeys/onboarding"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journey-facts"), "Onboarding, second take"));
        new Select(browser.findElement(By.id("journey-version"))).selectByValue("1");
        wait.until(ExpectedConditions.urlToBe(url("/ui/journeys/onboarding?version=1")));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#journey-facts dd"), "Onboarding"));
        assertThat(new Select(browser.findElement(By.id("journey-version"))).getOptions().stream().map(WebElement::getText).toList())
                .containsExactly("2 (current)", "1");
    }

    private WebElement node(String step) {
        return browser.findElement(By.cssSelector("svg.journey-graph [data-step='" + step + "']"));
    }

    private WebElement edge(String from, String to) {
        return browser.findElement(By.cssSelector("svg.journey-graph [data-from='" + from + "'][data-to='" + to + "']"));
    }

    /** The count cell of the transitions table's row for this edge. */
    private static By edgeCount(String from, String to) {
        return By.xpath("//table[@id='journey-edges']//tr[th='" + from + "' and td[2]='" + to + "']/td[3]");
    }

    /** No two step boxes share any pixel: the layers keep the graph readable. */
    private void assertNoOverlappingNodes() {
        Object overlaps = ((JavascriptExecutor) browser).executeScript("""
                const boxes = [...document.querySelectorAll('svg.journey-graph [data-step] rect')].map(r => r.getBoundingClientRect());
                let n = 0;
                boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
                  if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
                }));
                return n;""");
        assertThat((Long) overlaps).as("overlapping step boxes").isZero();
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every distinct (from, to) the document's steps name: next, timeoutNext, branches' next, default, arms' next. */
    private static Set<List<String>> transitions(JsonNode steps) {
        Set<List<String>> edges = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> step : steps.properties()) {
            JsonNode s = step.getValue();
            List<JsonNode> targets = new java.util.ArrayList<>(List.of(s.path("next"), s.path("timeoutNext"), s.path("default")));
            s.path("branches").forEach(b -> targets.add(b.path("next")));
            s.path("arms").forEach(a -> targets.add(a.path("next")));
            targets.stream().filter(JsonNode::isTextual).forEach(t -> edges.add(List.of(step.getKey(), t.asText())));
        }
        return edges;
    }
}
