package io.nudge.local;

import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local opened exactly as the runner opens its main database (embedded, write-ahead log), for benchmarks that
 * measure the store alone against what the pipeline gets from it.
 */
public final class EmbeddedStore implements AutoCloseable {
    private final LocalDynamo dynamo;

    private EmbeddedStore(LocalDynamo dynamo) {
        this.dynamo = dynamo;
    }

    /** @param folder where the database file goes, or empty for in memory */
    public static EmbeddedStore open(Optional<Path> folder) throws Exception {
        return new EmbeddedStore(LocalDynamo.embedded(folder));
    }

    public DynamoDbClient dynamo() {
        return dynamo.dynamo();
    }

    @Override
    public void close() throws java.io.IOException {
        dynamo.close();
    }
}
