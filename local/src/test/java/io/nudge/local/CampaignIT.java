package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.campaigns.Arms;
import io.nudge.campaigns.CampaignDefinition;
import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.model.Message;
import io.nudge.users.UserService;
import io.nudge.wiring.CampaignRunSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A campaign to 1,000 users end to end through the local runner: arms, holdout, and the guards on campaign messages. */
class CampaignIT extends LocalRunnerCase {
    private static final int USERS = 1_000;
    private static final List<CampaignDefinition.Variant> VARIANTS = List.of(
            new CampaignDefinition.Variant("A", "digest_a", 50), new CampaignDefinition.Variant("B", "digest_b", 50));

    @BeforeEach
    void define() throws Exception {
        startRunner();
        api.call("PUT", "/v1/templates/digest_a", "{'channel':'email','subject':'Your week','text':'A'}");
        api.call("PUT", "/v1/templates/digest_b", "{'channel':'email','subject':'3 things you missed','text':'B'}");
        api.call("PUT", "/v1/templates/mail", "{'channel':'email','subject':'News','text':'Hello'}");
        api.call("PUT", "/v1/triggers/news", "{'event':'news','channel':'email','template':'mail','quietHours':'off'}");
        api.call("PUT", "/v1/segments/pro", "{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}");
    }

    private static boolean noConsent(int i) {
        return i % 10 == 0;
    }

    private static boolean night(int i) {
        return i % 50 == 1;
    }

    private static boolean capped(int i) {
        return i % 100 == 3;
    }

    private static String arm(int i) {
        return Arms.assign("digest", "u" + i, 10, VARIANTS);
    }

    @Test
    void a_campaign_reaches_its_arms_and_the_guards_still_apply() throws Exception {
        UserService users = new UserService(runner.services().users(), Clock.systemUTC());
        for (int i = 0; i < USERS; i++) {
            users.upsert("u" + i, Json.parse(("{'email':'u" + i + "@example.com','timezone':'" + ItTime.zoneAt(night(i) ? 2 : 13)
                    + "','attributes':{'plan':'pro'},'consent':{'email':'" + (noConsent(i) ? "opted_out" : "opted_in") + "'}}")
                    .replace('\'', '"')));
        }
        for (int i = 0; i < USERS; i++) {
            if (capped(i)) {
                for (int k = 0; k < 3; k++) {
                    api.call("POST", "/v1/events", "{'id':'news-" + i + "-" + k + "','userId':'u" + i + "','name':'news'}");
                }
            }
        }
        awaitAll(i -> capped(i) ? 3 : 0, m -> m.triggerId().equals("news"));

        api.call("PUT", "/v1/campaigns/digest", "{'segment':'pro','channel':'email','variants':[{'id':'A','template':'digest_a','weight':50},"
                + "{'id':'B','template':'digest_b','weight':50}],'holdout':10,'goal':{'event':'purchase_completed','within':'P7D'}}");
        JsonNode started = api.call("POST", "/v1/campaigns/digest/run", "{'runId':'it-1'}");
        assertThat(started.get("runId").asText()).isEqualTo("it-1");

        Map<String, Integer> expectedAssigned = new HashMap<>();
        for (int i = 0; i < USERS; i++) {
            expectedAssigned.merge(arm(i), 1, Integer::sum);
        }
        Map<String, Message> outcome = awaitAll(i -> arm(i).equals("holdout") ? 0 : 1, m -> m.triggerId().equals("digest"))
                .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));

        Map<String, Integer> sentPerArm = new HashMap<>();
        for (int i = 0; i < USERS; i++) {
            Message m = outcome.get("u" + i);
            if (arm(i).equals("holdout")) {
                assertThat(m).as("u" + i).isNull();
                continue;
            }
            String expected = noConsent(i) ? "SUPPRESSED no_consent" : night(i) ? "SCHEDULED quiet_hours"
                    : capped(i) ? "SUPPRESSED frequency_cap" : "SENT";
            assertThat(m.status() + (m.reason().map(r -> " " + r).orElse(""))).as("u" + i).isEqualTo(expected);
            assertThat(m.context().at("/campaign/arm").asText()).isEqualTo(arm(i));
            assertThat(m.templateId()).isEqualTo(arm(i).equals("A") ? "digest_a" : "digest_b");
            if (expected.equals("SENT")) {
                sentPerArm.merge(arm(i), 1, Integer::sum);
            }
        }

        JsonNode stats = api.call("GET", "/v1/stats/campaigns/digest", null);
        for (String a : List.of("A", "B", "holdout")) {
            assertThat(stats.at("/arms/" + a + "/assigned").asInt()).as(a).isEqualTo(expectedAssigned.get(a));
        }
        for (String a : List.of("A", "B")) {
            assertThat(stats.at("/arms/" + a + "/sent").asInt()).as(a).isEqualTo(sentPerArm.get(a));
            assertThat(stats.at("/arms/" + a + "/suppressed/no_consent").asInt()).isPositive();
        }
        assertThat(stats.at("/arms/holdout/sent").asInt()).isZero();
        assertThat(expectedAssigned.get("holdout")).isBetween(70, 130);

        // The same run id again (a Scheduler retry): nothing new.
        CampaignRunService.Outcome again = runner.services().campaignRun(request -> { }, CampaignRunSettings.of(2))
                .run(new CampaignRunner.Request("digest", "it-1"), () -> Long.MAX_VALUE);
        assertThat(again).isInstanceOf(CampaignRunService.Completed.class);
        CampaignRunService.Outcome fresh = runner.services().campaignRun(request -> { }, CampaignRunSettings.of(3))
                .run(new CampaignRunner.Request("digest", "it-1"), () -> Long.MAX_VALUE);
        assertThat(((CampaignRunService.Completed) fresh).tally().messagesCreated()).isZero();
    }

    /**
     * Waits (with a deadline) until every user has {@code expected.apply(i)} messages matching {@code filter}, none of them
     * READY or SENDING any more; returns them per user.
     */
    private Map<String, List<Message>> awaitAll(java.util.function.IntUnaryOperator expected,
            java.util.function.Predicate<Message> filter) {
        Instant deadline = Instant.now().plusSeconds(180);
        Map<String, List<Message>> found = new HashMap<>();
        for (int i = 0; i < USERS; i++) {
            String user = "u" + i;
            int count = expected.applyAsInt(i);
            List<Message> mine = ItClient.eventually(user + " settles with " + count + " messages",
                    Duration.between(Instant.now(), deadline), () -> {
                        List<Message> now = runner.services().messages().forUser(user, 20).stream().filter(filter).toList();
                        boolean settled = now.size() == count
                                && now.stream().noneMatch(m -> ItClient.IN_FLIGHT.contains(m.status().name()));
                        return settled ? Optional.of(now) : Optional.empty();
                    });
            if (!mine.isEmpty()) {
                found.put(user, mine);
            }
        }
        return found;
    }
}
