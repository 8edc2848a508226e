package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.TTL_ATTRIBUTES;
import static io.nudge.infra.TemplateFixture.attributes;
import static io.nudge.infra.TemplateFixture.indexes;
import static io.nudge.infra.TemplateFixture.keys;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.store.TableDefinitions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** template.yaml's tables as {@link io.nudge.store.TableDefinitions} creates them locally, and everything encrypted at rest. */
class TablesContractTest {
    @Test
    void tables_have_the_keys_indexes_and_streams_of_table_definitions() {
        List<CreateTableRequest> expected = TableDefinitions.all(Tables.withPrefix(""));
        Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
        assertThat(tables.keySet()).as("tables in template.yaml")
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(t -> t.tableName() + "Table").toList());
        SoftAssertions softly = new SoftAssertions();
        for (CreateTableRequest table : expected) {
            String id = table.tableName() + "Table";
            JsonNode properties = tables.get(id).path("Properties");
            softly.assertThat(properties.path("BillingMode").asText()).as("%s billing", id).isEqualTo(table.billingModeAsString());
            softly.assertThat(keys(properties.path("KeySchema"))).as("%s key schema", id).isEqualTo(keys(table.keySchema()));
            softly.assertThat(attributes(properties.path("AttributeDefinitions"))).as("%s attributes", id)
                    .isEqualTo(table.attributeDefinitions().stream()
                            .collect(Collectors.toMap(a -> a.attributeName(), a -> a.attributeTypeAsString(), (a, b) -> a, TreeMap::new)));
            softly.assertThat(indexes(properties.path("GlobalSecondaryIndexes"))).as("%s global secondary indexes", id)
                    .isEqualTo(indexes(table.globalSecondaryIndexes()));
            softly.assertThat(properties.has("LocalSecondaryIndexes")).as("%s local secondary indexes", id).isFalse();
            String streamView = table.streamSpecification() == null || !Boolean.TRUE.equals(table.streamSpecification().streamEnabled())
                    ? null : table.streamSpecification().streamViewTypeAsString();
            JsonNode stream = properties.path("StreamSpecification").path("StreamViewType");
            softly.assertThat(stream.isMissingNode() ? null : stream.asText()).as("%s stream view type", id).isEqualTo(streamView);
            JsonNode ttl = properties.path("TimeToLiveSpecification");
            softly.assertThat(ttl.path("Enabled").asBoolean(false) ? ttl.path("AttributeName").asText() : null)
                    .as("%s TTL attribute", id).isEqualTo(TTL_ATTRIBUTES.get(table.tableName()));
            softly.assertThat(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false))
                    .as("%s point-in-time recovery", id).isTrue();
            softly.assertThat(properties.path("SSESpecification").path("SSEEnabled").asBoolean(false)).as("%s SSE", id).isTrue();
            softly.assertThat(properties.has("TableName")).as("%s has a fixed TableName (stacks could not coexist)", id).isFalse();
        }
        softly.assertAll();
    }

    @Test
    void every_table_queue_and_topic_is_encrypted_at_rest() {
        Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
        assertThat(tables).hasSizeGreaterThanOrEqualTo(10);
        SoftAssertions softly = new SoftAssertions();
        // DynamoDB always encrypts; SSEEnabled true makes it a KMS key (aws/dynamodb) whose use CloudTrail records
        tables.forEach((id, table) -> softly.assertThat(table.path("Properties").path("SSESpecification").path("SSEEnabled").asBoolean(false))
                .as("%s SSESpecification.SSEEnabled", id).isTrue());
        template.resources("AWS::SQS::Queue").forEach((id, queue) -> softly.assertThat(
                queue.path("Properties").path("SqsManagedSseEnabled").asBoolean(false) || queue.path("Properties").has("KmsMasterKeyId"))
                .as("%s encryption", id).isTrue());
        template.resources("AWS::SNS::Topic").forEach((id, topic) ->
                softly.assertThat(topic.path("Properties").has("KmsMasterKeyId")).as("%s KmsMasterKeyId", id).isTrue());
        softly.assertAll();
    }
}
