package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A journey in real time through the local runner, with second-scale durations: evaluate enters it, advance-journeys
 * runs the steps, the local scheduler fires the slots of a delay and a wait_for's timeout, deliver sends the steps'
 * messages. One user does the awaited thing, the other does not.
 */
class JourneyIT extends LocalRunnerCase {

    @Test
    void a_journey_with_second_scale_waits_runs_both_ways_through_the_runner() throws Exception {
        startRunner();
        for (String template : List.of("hello", "thanks", "nudge")) {
            api.call("PUT", "/v1/templates/" + template, "{'channel':'email','subject':'" + template + " {{ user.attributes.first_name }}',"
                    + "'text':'" + template + "'}");
        }
        api.call("PUT", "/v1/journeys/smoke", "{'name':'Smoke','entry':{'event':'smoke_started'},'start':'hello','steps':{"
                + "'hello':{'type':'send','channel':'email','template':'hello','priority':'transactional','next':'pause'},"
                + "'pause':{'type':'delay','duration':'PT1S','next':'done'},"
                + "'done':{'type':'wait_for','event':'smoke_done','timeout':'PT2S','next':'thanks','timeoutNext':'nudge'},"
                + "'thanks':{'type':'send','channel':'email','template':'thanks','priority':'transactional'},"
                + "'nudge':{'type':'send','channel':'email','template':'nudge','priority':'transactional'}}}");
        for (String user : List.of("ada", "bob")) {
            api.call("PUT", "/v1/users/" + user, "{'email':'" + user + "@example.com','attributes':{'first_name':'" + user + "'}}");
            api.call("POST", "/v1/events", "{'id':'start-" + user + "','userId':'" + user + "','name':'smoke_started'}");
        }
        JsonNode entry = ItClient.eventually("ada's entry in the evaluation", () -> Optional.of(api.call("GET", "/v1/events/start-ada", null))
                .filter(e -> e.path("evaluation").size() > 0));
        assertThat(entry.at("/evaluation/0/journeyId").asText()).isEqualTo("smoke");
        assertThat(entry.at("/evaluation/0/entered").asBoolean()).isTrue();

        // ada does it once the journey waits for it (after hello and the one-second pause)
        sentSubjects("ada", 1);
        ItClient.eventually("ada's instance waiting for smoke_done", () -> waitingForDone("ada"));
        api.call("POST", "/v1/events", "{'id':'done-ada','userId':'ada','name':'smoke_done'}");

        assertThat(sentSubjects("ada", 2)).containsExactlyInAnyOrder("hello ada", "thanks ada");
        assertThat(sentSubjects("bob", 2)).as("bob's timeout fired in its slot").containsExactlyInAnyOrder("hello bob", "nudge bob");
        JsonNode done = api.call("GET", "/v1/events/done-ada", null);
        assertThat(done.at("/evaluation/0/reason").asText()).contains("received");
    }

    /** Present once the user's instance waits at done (read from the runner's store). */
    private Optional<Boolean> waitingForDone(String userId) {
        return runner.services().journeyInstances().forUser(userId, 5).stream()
                .filter(i -> i.step().equals("done") && i.waitingFor().isPresent()).findFirst().map(i -> true);
    }

    /** The subjects of the user's SENT messages, once there are {@code count} of them. */
    private List<String> sentSubjects(String userId, int count) {
        return ItClient.eventually(userId + "'s " + count + " sent messages", () -> {
            List<String> subjects = new ArrayList<>();
            for (JsonNode m : api.messages(userId)) {
                if (m.get("status").asText().equals("SENT")) {
                    subjects.add(m.get("subject").asText());
                }
            }
            return subjects.size() >= count ? Optional.of(subjects) : Optional.empty();
        });
    }
}
