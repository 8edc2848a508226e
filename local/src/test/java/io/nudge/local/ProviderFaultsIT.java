package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.faults.FaultInjector;
import io.nudge.channel.faults.ProviderFaults;
import io.nudge.channel.faults.ProviderFaults.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The local runner with a misbehaving provider in front of the outbox (--provider-faults): throttles and connect
 * timeouts are deferred and retried with backoff until they go through, a permanent refusal ends FAILED with the
 * reason in the history, a timeout after the provider took the message ends UNKNOWN and is never sent again. The
 * faults are a pure function of the seed and each message's attempts, so the test computes what must happen to
 * each message and checks it happened, and that the injector's counts are the ones computed.
 */
class ProviderFaultsIT extends LocalRunnerCase {
    private static final String SPEC = "throttle=0.2,connect_timeout=0.05,timeout=0.05,permanent=0.05,seed=42";
    private static final int USERS = 40;
    private static final Set<String> FINAL = Set.of("SENT", "FAILED", "UNKNOWN");

    /** What must become of a message: its terminal fault and how many retryable faults came before it. */
    record Plan(Fault end, int retries) {
        String status() {
            return switch (end) {
                case NONE -> "SENT";
                case PERMANENT -> "FAILED";
                case TIMEOUT -> "UNKNOWN";
                default -> throw new IllegalStateException(end.name());
            };
        }
    }

    static Plan plan(ProviderFaults faults, String key) {
        for (int attempt = 0; ; attempt++) {
            Fault fault = faults.faultOf(key, attempt);
            if (!ProviderFaults.retryable(fault)) {
                return new Plan(fault, attempt);
            }
        }
    }

    @Test
    void throttles_are_retried_until_sent_refusals_fail_with_the_reason_and_nothing_is_sent_twice() throws Exception {
        ProviderFaults faults = ProviderFaults.parse(SPEC).orElseThrow();
        startRunner(ItClient.options(data).providerFaults(Optional.of(faults)).build());
        assertThat(api.request("PUT", "/v1/templates/hello_email", "{'channel':'email','subject':'Hi','text':'Hello {{ event.properties.n }}'}").statusCode()).isEqualTo(201);
        assertThat(api.request("PUT", "/v1/templates/hello_sms", "{'channel':'sms','body':'Hello {{ event.properties.n }}'}").statusCode()).isEqualTo(201);
        assertThat(api.request("PUT", "/v1/triggers/hello_email", "{'event':'hello','channel':'email','template':'hello_email','priority':'transactional'}").statusCode()).isEqualTo(201);
        assertThat(api.request("PUT", "/v1/triggers/hello_sms", "{'event':'hello','channel':'sms','template':'hello_sms','priority':'transactional'}").statusCode()).isEqualTo(201);
        StringBuilder events = new StringBuilder("{'events':[");
        for (int i = 0; i < USERS; i++) {
            assertThat(api.request("PUT", "/v1/users/u" + i, "{'email':'u" + i + "@example.com','phone':'+4915112345" + String.format("%03d", i) + "'}").statusCode()).isEqualTo(200);
            events.append(i == 0 ? "" : ",").append("{'id':'hello-").append(i).append("','userId':'u").append(i).append("','name':'hello','properties':{'n':").append(i).append("}}");
        }
        assertThat(api.request("POST", "/v1/events", events.append("]}").toString()).statusCode()).isEqualTo(202);

        // every message of every user in a final status (retries back off 1, 2, 4 … s)
        Map<String, JsonNode> messages = new HashMap<>();
        ItClient.eventually(() -> "all messages final; now " + statuses(messages), Duration.ofSeconds(ItTime.DEADLINE_SECONDS + 30), () -> {
            messages.clear();
            for (int i = 0; i < USERS; i++) {
                for (JsonNode m : api.messages("u" + i)) {
                    messages.put(m.get("id").asText(), m);
                }
            }
            boolean done = messages.size() == 2 * USERS && messages.values().stream().allMatch(m -> FINAL.contains(m.get("status").asText()));
            return done ? Optional.of(messages) : Optional.empty();
        });

        FaultInjector injector = runner.faults().orElseThrow();
        Map<Fault, Long> expectedFaults = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            expectedFaults.put(f, 0L);
        }
        Map<String, Integer> handedOver = injector.handedOver();
        List<String> retried = new ArrayList<>();
        for (JsonNode m : messages.values()) {
            String id = m.get("id").asText();
            String channel = m.get("channel").asText();
            String key = FaultInjector.key(channel, id);
            Plan plan = plan(faults, key);
            for (int a = 0; a < plan.retries(); a++) {
                expectedFaults.merge(faults.faultOf(key, a), 1L, Long::sum);
            }
            expectedFaults.merge(plan.end(), 1L, Long::sum);
            assertThat(m.get("status").asText()).as("status of %s (%s)", id, plan).isEqualTo(plan.status());
            // one deferral per retryable fault, each explained in the history by what the provider did
            long deferrals = 0;
            for (JsonNode h : m.get("history")) {
                if (h.get("status").asText().equals("SCHEDULED")) {
                    assertThat(h.path("reason").asText()).isEqualTo(
                            faults.faultOf(key, (int) deferrals) == Fault.THROTTLE ? "provider_throttled" : "provider_unavailable");
                    deferrals++;
                }
            }
            assertThat(deferrals).as("deferrals of %s", id).isEqualTo(plan.retries());
            if (plan.retries() > 0) {
                retried.add(id);
            }
            Path file = runner.outbox().resolve(id + (channel.equals("email") ? ".eml" : ".sms.json"));
            switch (plan.end()) {
                case NONE -> {
                    assertThat(handedOver.get(key)).as("handed over %s", key).isEqualTo(1);
                    assertThat(file).exists();
                    assertThat(m.get("providerMessageId").asText()).isNotBlank();
                }
                case TIMEOUT -> {
                    // the provider took it once; the unknown answer made nobody send it again
                    assertThat(handedOver.get(key)).as("handed over %s", key).isEqualTo(1);
                    assertThat(file).exists();
                    assertThat(m.get("reason").asText()).startsWith("provider_outcome_unknown: ").contains("injected fault");
                }
                case PERMANENT -> {
                    assertThat(handedOver).doesNotContainKey(key);
                    assertThat(file).doesNotExist();
                    assertThat(m.get("reason").asText()).startsWith("provider_rejected: Message rejected (injected fault)");
                    JsonNode last = m.get("history").get(m.get("history").size() - 1);
                    assertThat(last.get("status").asText()).isEqualTo("FAILED");
                    assertThat(last.get("reason").asText()).contains("injected fault");
                }
                default -> throw new AssertionError(plan);
            }
        }
        assertThat(injector.injected()).isEqualTo(expectedFaults);
        assertThat(handedOver.values()).allMatch(n -> n == 1);
        try (var files = Files.list(runner.outbox())) {
            long sentOrUnknown = messages.values().stream().filter(m -> !m.get("status").asText().equals("FAILED")).count();
            assertThat(files.filter(p -> p.toString().endsWith(".eml") || p.toString().endsWith(".sms.json")).count()).isEqualTo(sentOrUnknown);
        }
        // the seed gives every kind of outcome, and retried messages among those sent
        assertThat(expectedFaults.get(Fault.THROTTLE)).isPositive();
        assertThat(expectedFaults.get(Fault.CONNECT_TIMEOUT)).isPositive();
        assertThat(expectedFaults.get(Fault.TIMEOUT)).isPositive();
        assertThat(expectedFaults.get(Fault.PERMANENT)).isPositive();
        assertThat(retried).isNotEmpty();
        System.out.printf("ProviderFaultsIT: %d messages (%s): %s; %s; %d retried at least once%n", messages.size(), SPEC,
                statuses(messages), injector.summary(), retried.size());
    }

    /**
     * Webhooks under the same faults: a timeout after the request was written is retried too (the endpoint got it, and
     * gets it again with the same Idempotency-Key), so a webhook ends SENT or FAILED, never UNKNOWN; the endpoint receives
     * one request per timeout and one for the attempt that went through.
     */
    @Test
    void webhooks_are_retried_after_every_fault_but_a_refusal_each_attempt_with_the_same_idempotency_key() throws Exception {
        ProviderFaults faults = ProviderFaults.parse(SPEC).orElseThrow();
        try (io.nudge.testing.WebhookReceiver receiver = new io.nudge.testing.WebhookReceiver(io.nudge.testing.WebhookReceiver.Answer.of(200, "ok"))) {
            startRunner(ItClient.options(data).providerFaults(Optional.of(faults))
                    .webhooks(io.nudge.channel.webhook.WebhookDestinations.allowing(List.of("127.0.0.1"))).build());
            api.callRaw("PUT", "/v1/templates/hook", io.nudge.json.Json.object().put("channel", "webhook").put("url", receiver.url("/hook"))
                    .put("body", "{{ event.id }}").toString());
            api.call("PUT", "/v1/triggers/hook", "{'event':'hook','channel':'webhook','template':'hook'}");
            StringBuilder events = new StringBuilder("{'events':[");
            for (int i = 0; i < USERS; i++) {
                events.append(i == 0 ? "" : ",").append("{'id':'hook-").append(i).append("','userId':'w").append(i).append("','name':'hook'}");
            }
            api.call("POST", "/v1/events", events.append("]}").toString());
            Map<String, JsonNode> messages = new HashMap<>();
            ItClient.eventually(() -> "all webhooks final; now " + statuses(messages), Duration.ofSeconds(ItTime.DEADLINE_SECONDS + 30), () -> {
                messages.clear();
                for (int i = 0; i < USERS; i++) {
                    for (JsonNode m : api.messages("w" + i)) {
                        messages.put(m.get("id").asText(), m);
                    }
                }
                return messages.size() == USERS && messages.values().stream().allMatch(m -> FINAL.contains(m.get("status").asText()))
                        ? Optional.of(messages) : Optional.empty();
            });

            int timeouts = 0;
            for (JsonNode m : messages.values()) {
                String id = m.get("id").asText();
                String key = FaultInjector.key("webhook", id);
                int attempt = 0;
                int expectedPosts = 0;
                List<String> expectedDeferrals = new ArrayList<>();
                Fault fault;
                while ((fault = faults.faultOf(key, attempt++)) != Fault.NONE && fault != Fault.PERMANENT) {
                    expectedDeferrals.add(fault == Fault.THROTTLE ? "provider_throttled" : "provider_unavailable");
                    expectedPosts += fault == Fault.TIMEOUT ? 1 : 0;
                    timeouts += fault == Fault.TIMEOUT ? 1 : 0;
                }
                expectedPosts += fault == Fault.NONE ? 1 : 0;
                assertThat(m.get("status").asText()).as(id).isEqualTo(fault == Fault.NONE ? "SENT" : "FAILED");
                List<String> deferrals = new ArrayList<>();
                m.get("history").forEach(h -> {
                    if (h.get("status").asText().equals("SCHEDULED")) {
                        deferrals.add(h.path("reason").asText());
                    }
                });
                assertThat(deferrals).as("deferrals of %s", id).isEqualTo(expectedDeferrals);
                List<String> posts = receiver.all().stream().filter(r -> id.equals(r.header("Idempotency-Key")))
                        .map(io.nudge.testing.WebhookReceiver.Received::body).toList();
                assertThat(posts).as("posts of %s", id).hasSize(expectedPosts).allMatch(body -> body.equals(m.get("eventId").asText()));
            }
            assertThat(timeouts).as("the seed times some out after the request was written").isPositive();
        }
    }

    private static Map<String, Long> statuses(Map<String, JsonNode> messages) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        messages.values().forEach(m -> counts.merge(m.get("status").asText(), 1L, Long::sum));
        return counts;
    }
}
