package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.body;
import static io.nudge.infra.TemplateFixture.onlyNewImage;
import static io.nudge.infra.TemplateFixture.readJson;
import static io.nudge.infra.TemplateFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.store.TableDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** The sample events in events/ load into their Lambda types with the fields the handler tests use. */
class SampleEventsContractTest {
    @TestFactory
    Stream<DynamicTest> every_sample_event_loads_into_its_lambda_type_with_the_fields_tests_use() throws IOException {
        Path dir = repo.resolve("events");
        Map<String, Consumer<Path>> specific = specificEventChecks();
        List<String> present;
        try (Stream<Path> files = Files.list(dir)) {
            present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.endsWith(".decoded.json")).sorted().toList();
        }
        assertThat(present).as("events/*.json").containsAll(specific.keySet());
        return present.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try {
                checkSampleEvent(dir.resolve(name), specific.get(name));
            } catch (AssertionError e) {
                throw new AssertionError("events/" + name + ": " + e.getMessage(), e);
            }
        }));
    }

    private static void checkSampleEvent(Path file, Consumer<Path> specific) {
        String name = file.getFileName().toString();
        if (name.startsWith("apigw-")) {
            checkHttpEvent(name, EventLoader.loadApiGatewayHttpEvent(file.toString()));
        } else if (name.startsWith("ddb-")) {
            checkStreamEvent(name, EventLoader.loadDynamoDbEvent(file.toString()));
        } else if (name.startsWith("scheduled-")) {
            ScheduledEvent event = EventLoader.loadScheduledEvent(file.toString());
            assertThat(event.getDetailType()).isEqualTo("Scheduled Event");
            assertThat(event.getSource()).isEqualTo("aws.events");
            assertThat(event.getTime()).isNotNull();
            assertThat(event.getResources()).singleElement().asString().startsWith("arn:aws:events:");
        } else if (name.startsWith("scheduler-")) {
            // EventBridge Scheduler hands a Lambda target the schedule's Input as the event itself: plain JSON.
            JsonNode event = readJson(file);
            assertThat(event.isObject()).as("%s is a JSON object", name).isTrue();
        } else if (name.startsWith("sns-")) {
            // process-feedback: SES events and inbound SMS, one notification per invocation.
            SNSEvent event = EventLoader.loadSNSEvent(file.toString());
            assertThat(event.getRecords()).as("%s Records", name).singleElement().satisfies(r -> {
                assertThat(r.getEventSource()).isEqualTo("aws:sns");
                assertThat(r.getSNS().getType()).isEqualTo("Notification");
                assertThat(r.getSNS().getTopicArn()).matches("arn:aws:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+");
                assertThat(r.getSNS().getMessageId()).isNotBlank();
                assertThat(r.getSNS().getMessage()).isNotBlank();
            });
        } else if (name.startsWith("cwlogs-")) {
            // process-feedback: SMS delivery receipts, {"awslogs":{"data":"<base64 of gzip>"}}.
            CloudWatchLogsEvent event = EventLoader.loadCloudWatchLogsEvent(file.toString());
            assertThat(event.getAwsLogs().getData()).as("%s awslogs.data", name).isNotBlank();
        } else {
            fail("%s: name it apigw-*, ddb-*, scheduled-*, scheduler-*, sns-* or cwlogs-* so this test knows its Lambda type", name);
        }
        if (specific != null) {
            specific.accept(file);
        }
    }

    private static void checkHttpEvent(String name, APIGatewayV2HTTPEvent event) {
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("$default");
        assertThat(event.getRawPath()).startsWith("/");
        assertThat(event.getRawQueryString()).isNotNull();
        assertThat(event.getHeaders()).isNotEmpty();
        assertThat(event.getHeaders().keySet()).as("header names arrive lowercased").allMatch(h -> h.equals(h.toLowerCase(Locale.ROOT)));
        assertThat(event.getIsBase64Encoded()).isFalse();
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertThat(context.getRouteKey()).isEqualTo("$default");
        assertThat(context.getStage()).isEqualTo("$default");
        assertThat(context.getHttp().getPath()).isEqualTo(event.getRawPath());
        assertThat(context.getHttp().getMethod()).isIn("GET", "POST", "PUT", "DELETE", "PATCH");
        assertThat(context.getHttp().getSourceIp()).isNotBlank();
        assertThat(context.getRequestId()).isNotBlank();
        assertThat(context.getTimeEpoch()).isPositive();
        boolean unauthenticated = name.equals("apigw-health.json") || name.equals("apigw-no-auth.json");
        assertThat(event.getHeaders().get("authorization")).as("authorization").isEqualTo(unauthenticated ? null : "Bearer test-admin-key");
        if (!context.getHttp().getMethod().equals("GET")) {
            assertThat(event.getBody()).as("body").isNotNull();
            assertThat(event.getHeaders()).containsEntry("content-type", "application/json")
                    .containsEntry("content-length", Integer.toString(event.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
    }

    private static void checkStreamEvent(String name, DynamodbEvent event) {
        assertThat(event.getRecords()).isNotEmpty();
        Map<String, String> hashKeys = new LinkedHashMap<>();
        Map<String, List<String>> allKeys = new LinkedHashMap<>();
        for (CreateTableRequest table : TableDefinitions.all(Tables.withPrefix(""))) {
            table.keySchema().stream().filter(k -> k.keyTypeAsString().equals("HASH"))
                    .forEach(k -> hashKeys.put(table.tableName(), k.attributeName()));
            allKeys.put(table.tableName(), table.keySchema().stream().map(k -> k.attributeName()).toList());
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            assertThat(record.getEventSource()).isEqualTo("aws:dynamodb");
            assertThat(record.getEventVersion()).isEqualTo("1.1");
            assertThat(record.getEventName()).isIn("INSERT", "MODIFY", "REMOVE");
            assertThat(record.getEventID()).isNotBlank();
            assertThat(record.getAwsRegion()).isNotBlank();
            assertThat(record.getDynamodb().getStreamViewType()).isEqualTo("NEW_IMAGE");
            assertThat(record.getDynamodb().getSequenceNumber()).containsOnlyDigits();
            assertThat(record.getDynamodb().getApproximateCreationDateTime()).isNotNull();
            assertThat(record.getDynamodb().getSizeBytes()).isPositive();
            String table = hashKeys.keySet().stream().filter(t -> record.getEventSourceARN().contains("-" + t + "Table-"))
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": eventSourceARN names no known table: " + record.getEventSourceARN()));
            assertThat(record.getEventSourceARN()).matches("arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/[^/]+/stream/.+");
            String key = hashKeys.get(table);
            assertThat(record.getDynamodb().getKeys()).as("%s Keys (the %s table's key)", name, table)
                    .containsOnlyKeys(allKeys.get(table).toArray(String[]::new));
            for (String part : allKeys.get(table)) {
                assertThat(record.getDynamodb().getNewImage().get(part).getS()).isEqualTo(record.getDynamodb().getKeys().get(part).getS());
            }
        }
    }

    /** What the handler tests rely on, file by file. */
    private static Map<String, Consumer<Path>> specificEventChecks() {
        Map<String, Consumer<Path>> checks = new LinkedHashMap<>();
        checks.put("apigw-health.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("GET");
            assertThat(e.getRawPath()).isEqualTo("/health");
            assertThat(e.getBody()).isNull();
        });
        checks.put("apigw-post-event.json", f -> {
            JsonNode body = body(f);
            assertThat(body.path("id").asText()).isEqualTo("evt-1");
            assertThat(body.path("userId").asText()).isEqualTo("u-1");
            assertThat(body.path("name").asText()).isEqualTo("signed_up");
            assertThat(body.path("properties").path("plan").asText()).isEqualTo("pro");
        });
        checks.put("apigw-post-events-batch-one-bad.json", f -> {
            JsonNode events = body(f).path("events");
            assertThat(events.size()).isEqualTo(3);
            assertThat(events.get(0).has("name")).isTrue();
            assertThat(events.get(1).has("name")).as("the second event has no name").isFalse();
            assertThat(events.get(2).has("name")).isTrue();
        });
        checks.put("apigw-put-user.json", f -> {
            assertThat(EventLoader.loadApiGatewayHttpEvent(f.toString()).getRawPath()).isEqualTo("/v1/users/u-1");
            JsonNode body = body(f);
            assertThat(body.path("email").asText()).isEqualTo("ada@example.com");
            assertThat(body.path("phone").asText()).isEqualTo("+44 20 7946 0958");
            assertThat(body.path("timezone").asText()).isEqualTo("Europe/London");
            assertThat(body.path("locale").asText()).isEqualTo("en-GB");
            assertThat(body.path("attributes").path("first_name").asText()).isEqualTo("Ada");
        });
        checks.put("apigw-put-trigger-bad-operator.json", f -> {
            assertThat(EventLoader.loadApiGatewayHttpEvent(f.toString()).getRawPath()).isEqualTo("/v1/triggers/welcome");
            assertThat(body(f).path("conditions").path(0).path("op").asText()).isEqualTo("equals");
        });
        checks.put("apigw-no-auth.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRawPath()).isEqualTo("/v1/events");
            assertThat(e.getHeaders()).doesNotContainKey("authorization");
        });
        checks.put("apigw-malformed-json.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRawPath()).isEqualTo("/v1/events");
            assertThat(e.getBody()).isEqualTo("{\"id\":");
        });
        checks.put("apigw-unknown-route.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("GET");
            assertThat(e.getRawPath()).isEqualTo("/v1/nope");
        });
        checks.put("ddb-events-insert-signed-up.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-1");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("name").getS()).isEqualTo("signed_up");
            assertThat(image.get("properties").getM().get("plan").getS()).isEqualTo("pro");
            assertThat(image.get("timestamp").getS()).isEqualTo("2026-11-24T08:00:00.000Z");
            assertThat(image.get("receivedAt").getS()).isEqualTo("2026-11-24T08:00:00.000Z");
            assertThat(image.get("expiresAt").getN()).containsOnlyDigits();
        });
        checks.put("ddb-events-insert-bad-record.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image).containsKey("eventId").doesNotContainKeys("name", "userId");
        });
        checks.put("ddb-outbound-insert-message-sent.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            io.nudge.outbound.OutboundEvent event = io.nudge.outbound.OutboundStore.fromItem(
                    io.nudge.lambda.StreamImages.toSdk(image));
            assertThat(event.type()).isEqualTo(io.nudge.outbound.OutboundType.MESSAGE_SENT);
            assertThat(event.userId()).isEqualTo("u-1").isEqualTo(image.get("userId").getS());
            assertThat(event.id()).isEqualTo(image.get("id").getS()).matches("[a-z2-7]{26}");
            assertThat(event.address()).contains("ada@example.com");
            assertThat(image.get("expiresAt").getN()).containsOnlyDigits();
        });
        checks.put("ddb-messages-ready.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image.get("id").getS()).matches("[a-z2-7]{26}");
            assertThat(image.get("status").getS()).isEqualTo("READY");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("triggerId").getS()).isEqualTo("welcome");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-1");
            assertThat(image.get("channel").getS()).isEqualTo("email");
            assertThat(image.get("priority").getS()).isEqualTo("marketing");
            assertThat(image.get("templateId").getS()).isEqualTo("welcome");
            assertThat(image.get("createdAt").getS()).isNotBlank();
            assertThat(image.get("history").getL()).singleElement()
                    .satisfies(h -> assertThat(h.getM().get("status").getS()).isEqualTo("READY"))
                    .satisfies(h -> assertThat(h.getM().get("at").getS()).isNotBlank());
            Map<String, AttributeValue> event = image.get("context").getM().get("event").getM();
            assertThat(event).containsKeys("id", "name", "properties", "timestamp");
        });
        checks.put("ddb-messages-scheduled.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            String id = image.get("id").getS();
            assertThat(id).matches("[a-z2-7]{26}");
            assertThat(image.get("status").getS()).isEqualTo("SCHEDULED");
            assertThat(image.get("reason").getS()).isEqualTo("delay");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("triggerId").getS()).isEqualTo("cart_reminder");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-cart-1");
            assertThat(image.get("channel").getS()).isEqualTo("email");
            assertThat(image.get("priority").getS()).isEqualTo("marketing");
            assertThat(image.get("templateId").getS()).isEqualTo("cart_reminder");
            Instant due = Instant.parse(image.get("dueAt").getS());
            assertThat(due).isEqualTo(Instant.parse("2026-11-24T09:00:30Z"));
            long slot = Long.parseLong(image.get("slot").getS());
            assertThat(slot).as("slot: the due time rounded up to the minute, epoch seconds")
                    .isEqualTo(Math.ceilDiv(due.getEpochSecond(), 60) * 60)
                    .isEqualTo(Instant.parse("2026-11-24T09:01:00Z").getEpochSecond());
            assertThat(image.get("slotKey").getS()).as("slotKey: slot#shard").matches(slot + "#\\d+");
            assertThat(image.get("pendingUser").getS()).isEqualTo("u-1");
            assertThat(image.get("pendingSort").getS()).isEqualTo("cart_reminder#2026-11-24T08:00:30.000Z#" + id);
            assertThat(image.get("createdAt").getS()).isNotBlank();
            assertThat(image.get("history").getL()).singleElement()
                    .satisfies(h -> assertThat(h.getM().get("status").getS()).isEqualTo("SCHEDULED"))
                    .satisfies(h -> assertThat(h.getM().get("reason").getS()).isEqualTo("delay"))
                    .satisfies(h -> assertThat(h.getM().get("at").getS()).isNotBlank());
            Map<String, AttributeValue> event = image.get("context").getM().get("event").getM();
            assertThat(event).containsKeys("id", "name", "properties", "timestamp");
            assertThat(event.get("id").getS()).isEqualTo("evt-cart-1");
            assertThat(event.get("name").getS()).isEqualTo("cart_abandoned");
            assertThat(event.get("properties").getM().get("cartId").getS()).isEqualTo("c1");
        });
        checks.put("scheduled-sweep.json", f -> assertThat(EventLoader.loadScheduledEvent(f.toString()).getRegion()).isNotBlank());
        checks.put("scheduler-slot-fired.json", f -> {
            JsonNode event = readJson(f);
            assertThat(event.fieldNames()).toIterable().as("fields").containsExactly("slot");
            Instant slot = Instant.parse(event.path("slot").asText());
            assertThat(slot.getEpochSecond() % 60).as("a slot starts on a minute").isZero();
            assertThat(slot.getEpochSecond()).as("the slot of ddb-messages-scheduled.json")
                    .isEqualTo(Long.parseLong(onlyNewImage(f.resolveSibling("ddb-messages-scheduled.json"), "INSERT").get("slot").getS()));
        });
        return checks;
    }
}
