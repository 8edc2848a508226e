package io.nudge.bench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.aws.AwsClients;
import io.nudge.bench.LocalDynamoServer;
import io.nudge.config.Tables;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The smoke test of `bench/run cost` that `./mvnw verify` runs (the full `bench/run all --quick` needs the shaded jars
 * and takes minutes): one batch of delivered marketing emails through the production handlers over DynamoDB Local,
 * every DynamoDB call metered, and every call of it named and justified in the report — a new call without a reason in
 * CostReport.justify fails here.
 */
class CostSmokeTest {
    @Test
    void every_dynamodb_call_of_a_delivered_message_is_metered_and_named() throws Exception {
        CapacityMeter meter = new CapacityMeter();
        try (LocalDynamoServer server = LocalDynamoServer.start(Path.of("..").toAbsolutePath().normalize())) {
            DynamoDbClient dynamo = AwsClients.dynamoDbAt(server.endpoint(), System.getenv(), List.of(meter));
            CostRun.World world = CostRun.World.create(dynamo, meter, Tables.withPrefix("smoke-"), new CostRun.Timings());
            CostRun.Unit message = world.immediate("immediate.marketing", "t_marketing", "signed_up", 1);

            assertThat(message.write()).as("write units per message").isPositive();
            assertThat(message.read()).as("read units per message").isPositive();
            for (CapacityMeter.Call call : message.calls()) {
                String[] why = CostReport.justify(call.phase(), call.table(), call.operation(), call.what());
                assertThat(why[0]).as("why %s %s %s: %s", call.phase(), call.table(), call.operation(), call.what()).isNotBlank();
            }
            // and the SES notifications that come back for those messages, applied as process-feedback applies them
            CostRun.Unit bounce = world.feedback("feedback.bounce", "a bounce", world.lastSent(), "Bounce");
            assertThat(bounce.units()).isEqualTo(message.units());
            assertThat(bounce.write()).as("write units per bounce").isPositive();
        }
    }
}
