package io.nudge.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.json.Json;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Dead letters over DynamoDB Local: they expire, and erasure finds the ones that mention a user. */
class DeadLetterStoreTest {
    private static final Instant AT = Instant.parse("2026-11-24T09:00:03Z");
    private Tables tables;
    private DeadLetterStore store;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTablesWithTtl();
        store = new DeadLetterStore(TestDynamo.client(), tables.deadLetters(), Duration.ofDays(30));
    }

    private Map<String, AttributeValue> only() {
        List<Map<String, AttributeValue>> items = TestDynamo.client().scan(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items();
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** The SES bounce sample as process-feedback receives it, addressed to {@code email}. */
    private static String bounceTo(String email) {
        return Samples.text("sns-ses-bounce-permanent.json").replace(Samples.EMAIL, email);
    }

    /** The Messages READY stream record sample for {@code userId}, its context padded to {@code padding} characters. */
    private static String messageRecordOf(String userId, int padding) throws Exception {
        ObjectNode record = (ObjectNode) Samples.json("ddb-messages-ready.json").at("/Records/0");
        ((ObjectNode) record.at("/dynamodb/NewImage/userId")).put("S", userId);
        ((ObjectNode) record.at("/dynamodb/NewImage/context/M/event/M/properties/M")).putObject("note").put("S", "n".repeat(padding));
        return Json.write(record);
    }

    @Test
    void every_dead_letter_expires_after_the_retention_and_the_table_has_ttl_on_expires_at() {
        store.put("process-feedback", "sns-1", "no message x", bounceTo("ada@example.com"), AT);

        assertThat(only().get("expiresAt").n()).isEqualTo(Long.toString(AT.plus(Duration.ofDays(30)).getEpochSecond()));
        assertThat(TestDynamo.client().describeTimeToLive(b -> b.tableName(tables.deadLetters())).timeToLiveDescription())
                .satisfies(ttl -> {
                    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                    assertThat(ttl.attributeName()).isEqualTo("expiresAt");
                });

        new DeadLetterStore(TestDynamo.client(), tables.deadLetters(), Duration.ofDays(7))
                .put("process-feedback", "sns-1", "no message x", bounceTo("ada@example.com"), AT.plusSeconds(60));
        assertThat(only().get("expiresAt").n()).as("a replay keeps the first, with its time")
                .isEqualTo(Long.toString(AT.plus(Duration.ofDays(30)).getEpochSecond()));
    }

    @Test
    void two_payloads_whose_string_hash_codes_collide_are_both_kept() {
        String aa = "{\"campaignId\":\"Aa\"}";
        String bb = "{\"campaignId\":\"BB\"}";
        assertThat(aa.hashCode()).isEqualTo(bb.hashCode());

        // the record ids run-campaign used to pass: the payload's 32-bit hash
        store.put("run-campaign", Integer.toHexString(aa.hashCode()), "not a campaign run request", aa, AT);
        store.put("run-campaign", Integer.toHexString(bb.hashCode()), "not a campaign run request", bb, AT);

        assertThat(TestDynamo.client().scan(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items())
                .extracting(item -> item.get("payload").s()).containsExactlyInAnyOrder(aa, bb);
    }

    @Test
    void the_same_payload_put_twice_keeps_the_first_reason_and_time() {
        String payload = bounceTo("ada@example.com");

        store.put("process-feedback", "sns-1", "first reason", payload, AT);
        store.put("process-feedback", "sns-1", "second reason", payload, AT.plusSeconds(60));

        Map<String, AttributeValue> item = only();
        assertThat(item.get("reason").s()).isEqualTo("first reason");
        assertThat(item.get("at").s()).isEqualTo("2026-11-24T09:00:03.000Z");
        assertThat(item.get("recordId").s()).as("the record's own id, for operators").isEqualTo("sns-1");
    }

    @Test
    void the_same_payload_from_two_sources_is_two_dead_letters() {
        store.put("schedule-sends", "r", "bad", "{}", AT);
        store.put("run-campaign", "r", "bad", "{}", AT);

        assertThat(TestDynamo.client().scan(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items()).hasSize(2);
    }

    @Test
    void an_older_local_data_folder_gets_ttl_on_its_dead_letters_table_at_the_next_start() {
        Tables older = Tables.withPrefix("older" + System.nanoTime() + "-");
        TestDynamo.client().createTable(TableDefinitions.all(older).stream()
                .filter(t -> t.tableName().equals(older.deadLetters())).findFirst().orElseThrow());

        TableDefinitions.createMissing(TestDynamo.client(), older);
        TableDefinitions.createMissing(TestDynamo.client(), older); // and again: already on is left alone

        assertThat(TestDynamo.client().describeTimeToLive(b -> b.tableName(older.deadLetters())).timeToLiveDescription()
                .timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    }

    @Test
    void a_dead_letter_too_big_to_keep_plain_also_expires() throws Exception {
        store.put("deliver", "big", "bad shape", messageRecordOf("u1", 400_000), AT);

        Map<String, AttributeValue> item = only();
        assertThat(item).containsKey("payloadGzip").doesNotContainKey("payload");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(AT.plus(Duration.ofDays(30)).getEpochSecond()));
    }

    @Test
    void mentioning_finds_the_user_id_as_a_quoted_token_and_addresses_ignoring_case_in_plain_and_gzipped_payloads() throws Exception {
        store.put("process-feedback", "bounce-u1", "no message fbk4rr4mbnco2bke2xh7x2jpcq", bounceTo("Ada.Lovelace@Example.com"), AT);
        store.put("deliver", "gzip-u1", "bad shape", messageRecordOf("u1", 400_000), AT);
        store.put("evaluate-triggers", "plain-u10", "bad shape", messageRecordOf("u10", 10), AT);
        store.put("deliver", "gzip-u10", "bad shape", messageRecordOf("u10", 400_000), AT);
        // the user id inside an SNS Message string is JSON-escaped: \"u1\"
        store.put("process-feedback", "escaped-u1", "no message", Json.write(Json.object().put("Message",
                Json.write(Json.object().put("userId", "u1")))), AT);
        store.put("sms", "phone-in-reason", "unknown number +4915112345678", "{}", AT);
        store.put("process-feedback", "bounce-other", "no message", bounceTo("grace@example.com"), AT);

        List<String> found = store.mentioning("u1", List.of("ada.lovelace@example.com", "+4915112345678")).stream()
                .map(DeadLetterStore.DeadLetter::recordId).toList();

        assertThat(found).containsExactlyInAnyOrder("bounce-u1", "gzip-u1", "escaped-u1", "phone-in-reason");
        assertThat(store.mentioning("u10", List.of()).stream().map(DeadLetterStore.DeadLetter::recordId))
                .containsExactlyInAnyOrder("plain-u10", "gzip-u10");
        assertThat(store.mentioning("u", List.of("nobody@example.com", "+15550000000"))).isEmpty();
    }

    @Test
    void mentioning_reports_source_reason_time_and_expiry_and_delete_is_idempotent() {
        store.put("process-feedback", "sns-1", "no message x", bounceTo("ada@example.com"), AT);

        DeadLetterStore.DeadLetter letter = store.mentioning("u1", List.of("ada@example.com")).get(0);

        assertThat(letter.source()).isEqualTo("process-feedback");
        assertThat(letter.reason()).isEqualTo("no message x");
        assertThat(letter.at()).isEqualTo("2026-11-24T09:00:03.000Z");
        assertThat(letter.expiresAt()).contains(AT.plus(Duration.ofDays(30)));
        assertThat(store.delete(letter.id())).isTrue();
        assertThat(store.delete(letter.id())).isFalse();
        assertThat(store.mentioning("u1", List.of("ada@example.com"))).isEmpty();
    }

    @Test
    void mentioning_pages_through_a_scan_bigger_than_one_response() throws Exception {
        // each gzipped item is read whole; 1 MB per Scan page means a few pages for these
        // a dead letter is keyed by its payload: each one differs by a character
        for (int i = 0; i < 3; i++) {
            store.put("deliver", "r" + i, "bad shape", messageRecordOf("u1", 400_000 + i), AT);
        }
        for (int i = 0; i < 12; i++) {
            store.put("deliver", "p" + i, "bad shape", messageRecordOf("u1", 250_000 + i), AT);
        }

        assertThat(TestDynamo.client().scan(b -> b.tableName(tables.deadLetters())).lastEvaluatedKey())
                .as("the table takes more than one Scan page").isNotEmpty();
        assertThat(store.mentioning("u1", List.of())).hasSize(15);
    }
}
