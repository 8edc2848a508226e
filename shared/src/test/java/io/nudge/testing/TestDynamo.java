package io.nudge.testing;

import io.nudge.config.Tables;
import io.nudge.store.TableDefinitions;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local, embedded in the test JVM (no Docker, no network). One instance per JVM; each test gets
 * its own fresh set of tables through a unique prefix, so tests never see each other's data.
 */
public final class TestDynamo {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient client;

    private TestDynamo() {}

    public static synchronized DynamoDbClient client() {
        if (client == null) {
            local = DynamoDBEmbedded.create();
            client = local.dynamoDbClient();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> local.shutdown()));
        }
        return client;
    }

    /** Creates every Nudge table under a new prefix and returns their names. */
    public static Tables freshTables() {
        Tables tables = Tables.withPrefix("t" + PREFIXES.incrementAndGet() + "-");
        TableDefinitions.createMissing(client(), tables);
        return tables;
    }
}
