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

    /**
     * Creates every Nudge table under a new prefix and returns their names, with TTL off: tests run on injected clocks
     * set to fixed dates, and DynamoDB Local's TTL sweeper deletes by the wall clock, so a record whose {@code expiresAt}
     * lies before today (a slot of 2026-11-24 expires 7 days later) could vanish mid-test. Every read of a TTL'd item
     * checks its expiry against the injected clock anyway; that is what the tests assert.
     */
    public static Tables freshTables() {
        Tables tables = freshTablesWithTtl();
        for (String table : TableDefinitions.TTL_TABLES.apply(tables)) {
            client().updateTimeToLive(b -> b.tableName(table)
                    .timeToLiveSpecification(t -> t.enabled(false).attributeName("expiresAt")));
        }
        return tables;
    }

    /** As the runner and AWS create them, TTL on: for the tests of the table definitions themselves. */
    public static Tables freshTablesWithTtl() {
        Tables tables = Tables.withPrefix("t" + PREFIXES.incrementAndGet() + "-");
        TableDefinitions.createMissing(client(), tables);
        return tables;
    }
}
