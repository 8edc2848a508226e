package io.nudge.functions.campaign;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.definitions.DefinitionService;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.Services;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunCampaignHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-30T09:00:00Z");
    private Services services;
    private RunCampaignHandler handler;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        new DefinitionService(services.definitions(), clock).putTemplate("digest_a", json("{'channel':'email','subject':'S','text':'T'}"));
        services.segments().put("everyone", json("{'all':[{'path':'user.userId','op':'exists'}]}"));
        services.campaigns(new RecordingScheduler(), request -> { }).put("digest", json("{'segment':'everyone','channel':'email',"
                + "'variants':[{'id':'A','template':'digest_a','weight':1}]}"));
        UserService users = new UserService(services.users(), clock);
        for (int i = 0; i < 5; i++) {
            users.upsert("u" + i, json("{'email':'u" + i + "@example.com'}"));
        }
        handler = new RunCampaignHandler(services.campaignRun(request -> { }, CampaignRunSettings.of(2)), services.deadLetters(), clock);
    }

    @Test
    void a_scheduler_invocation_runs_the_campaign_once_per_run_id() {
        Map<String, Object> input = new HashMap<>(Map.of("campaignId", "digest", "runId", "2026-11-30T09:00:00Z"));

        Map<String, Object> first = handler.handleRequest(input, null);
        Map<String, Object> retry = handler.handleRequest(input, null);

        assertThat(first).containsEntry("status", "completed").containsEntry("messagesCreated", 5L);
        assertThat(retry).containsEntry("status", "completed").containsEntry("messagesCreated", 0L);
        assertThat(services.messages().forUser("u3", 10)).hasSize(1);
    }

    @Test
    void a_bad_invocation_is_dead_lettered_not_retried() {
        Map<String, Object> result = handler.handleRequest(Map.of("campaignId", "digest"), null);

        assertThat(result).containsEntry("deadLettered", true);
    }

    @Test
    void bad_invocations_whose_string_hash_codes_collide_are_both_dead_lettered_and_a_repeat_keeps_the_first() {
        // "Aa" and "BB" have the same String.hashCode, so these two payloads do too
        handler.handleRequest(Map.of("campaignId", "Aa"), null);
        handler.handleRequest(Map.of("campaignId", "BB"), null);
        clock.set(java.time.Instant.parse("2026-11-30T10:00:00Z"));
        handler.handleRequest(Map.of("campaignId", "Aa"), null);

        assertThat(services.dynamo().scan(b -> b.tableName(services.tables().deadLetters()).consistentRead(true)).items())
                .extracting(item -> item.get("payload").s() + " at " + item.get("at").s())
                .containsExactlyInAnyOrder("{\"campaignId\":\"Aa\"} at 2026-11-30T09:00:00.000Z",
                        "{\"campaignId\":\"BB\"} at 2026-11-30T09:00:00.000Z");
    }

    @Test
    void an_unknown_campaign_is_skipped() {
        assertThat(handler.handleRequest(Map.of("campaignId", "gone", "runId", "r1"), null)).containsEntry("status", "not_found");
    }
}
