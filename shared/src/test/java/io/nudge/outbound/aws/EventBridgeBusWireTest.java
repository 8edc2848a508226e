package io.nudge.outbound.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.outbound.OutboundEvent;
import io.nudge.outbound.OutboundType;
import io.nudge.testing.WireTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The bus adapter: the exact PutEvents entry, and once on the wire (AWS JSON 1.1: {@code POST /} with
 * {@code X-Amz-Target: AWSEvents.PutEvents}), ten entries a call, a partial failure thrown so the batch is retried.
 */
class EventBridgeBusWireTest extends WireTest {
    private static OutboundEvent event(int n) {
        return new OutboundEvent("evt" + n, OutboundType.MESSAGE_BOUNCED, Instant.parse("2026-12-08T09:00:0" + (n % 10) + "Z"), "ada",
                Optional.of("msg" + n), Optional.of("welcome"), Optional.empty(), Optional.empty(), Optional.of(Channel.EMAIL),
                Json.object().put("reason", "bounce: Permanent/General"), Optional.of("ada@example.com"));
    }

    @Test
    void an_entry_is_source_nudge_detail_type_the_event_type_and_detail_the_event_without_its_address() throws Exception {
        PutEventsRequestEntry entry = EventBridgeBus.entry("nudge-events", event(1));

        assertThat(entry.eventBusName()).isEqualTo("nudge-events");
        assertThat(entry.source()).isEqualTo("nudge");
        assertThat(entry.detailType()).isEqualTo("message.bounced");
        assertThat(entry.time()).isEqualTo(Instant.parse("2026-12-08T09:00:01Z"));
        assertThat(Json.parse(entry.detail())).isEqualTo(event(1).toJson(false));
        assertThat(entry.detail()).doesNotContain("ada@example.com");
    }

    @Test
    void put_events_goes_ten_entries_a_call_signed_for_the_events_service() throws Exception {
        wire.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e\"}]}")));
        List<OutboundEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(event(i));
        }
        try (EventBridgeClient client = pointedAt(EventBridgeClient.builder(), wireEndpoint())) {
            new EventBridgeBus(client, "nudge-events").publish(events);
        }

        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlPathEqualTo("/")));
        assertThat(requests).hasSize(2);
        LoggedRequest first = requests.getFirst();
        assertThat(first.getHeader("X-Amz-Target")).isEqualTo("AWSEvents.PutEvents");
        assertThat(first.getHeader("Authorization")).contains("/us-east-1/events/aws4_request");
        JsonNode body = Json.parse(first.getBodyAsString());
        assertThat(body.get("Entries")).hasSize(10);
        JsonNode entry = body.get("Entries").get(0);
        assertThat(entry.get("Source").asText()).isEqualTo("nudge");
        assertThat(entry.get("DetailType").asText()).isEqualTo("message.bounced");
        assertThat(entry.get("EventBusName").asText()).isEqualTo("nudge-events");
        assertThat(Json.parse(entry.get("Detail").asText()).get("id").asText()).isEqualTo("evt0");
        assertThat(Json.parse(requests.get(1).getBodyAsString()).get("Entries")).hasSize(2);
    }

    @Test
    void a_partial_failure_throws_so_the_stream_retries_the_batch() {
        wire.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"FailedEntryCount\":1,\"Entries\":[{\"EventId\":\"e\"},"
                        + "{\"ErrorCode\":\"ThrottlingException\",\"ErrorMessage\":\"Rate exceeded\"}]}")));
        try (EventBridgeClient client = pointedAt(EventBridgeClient.builder(), wireEndpoint())) {
            EventBridgeBus bus = new EventBridgeBus(client, "nudge-events");
            assertThatThrownBy(() -> bus.publish(List.of(event(1), event(2))))
                    .hasMessageContaining("1 of 2").hasMessageContaining("ThrottlingException");
        }
    }
}
