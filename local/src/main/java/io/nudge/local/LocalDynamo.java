package io.nudge.local;

import io.nudge.aws.AwsClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;
import software.amazon.dynamodb.services.local.shared.jobs.JobsRegister;

/**
 * DynamoDB Local in this JVM, and the SDK clients the runner uses on it.
 *
 * <p>Embedded (the default): the clients call DynamoDB Local's engine directly, with no HTTP, JSON or request signing
 * between the pipeline and the store (those took half the runner's CPU), and every write is announced to
 * {@link TableWrites} so stream pollers wake when there is something to read. A data folder's database is the file
 * DynamoDB Local's server kept there ({@code shared-local-instance.db}), opened in SQLite's write-ahead-log mode
 * ({@link WalDatabase}).
 *
 * <p>Over HTTP ({@code --dynamodb-port}): DynamoDB Local's server on a loopback port and the SDK's HTTP clients on it,
 * as before, for tools that talk to the runner's DynamoDB themselves. -sharedDb keeps one database file whatever
 * credentials or region a client uses.
 */
final class LocalDynamo implements AutoCloseable {
    /** The file DynamoDB Local's server keeps with -sharedDb; the embedded engine opens the same one. */
    static final String DATABASE_FILE = "shared-local-instance.db";

    private final DynamoDbClient dynamo;
    private final Function<String, DynamoDbStreamsClient> streams;
    private final TableWrites writes;
    private final Optional<URI> endpoint;
    private final List<AutoCloseable> engines;

    private LocalDynamo(DynamoDbClient dynamo, Function<String, DynamoDbStreamsClient> streams, TableWrites writes, Optional<URI> endpoint,
            List<AutoCloseable> engines) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.writes = writes;
        this.endpoint = endpoint;
        this.engines = List.copyOf(engines);
    }

    private LocalDynamo(EmbeddedClients clients, TableWrites writes, List<AutoCloseable> engines) {
        this(clients.dynamo(), clients::streams, writes, Optional.empty(), engines);
    }

    /**
     * @param folder where the database files live, or empty for in-memory
     * @param httpPort a port to serve DynamoDB Local on over HTTP (0: a free one), or empty to embed it
     * @param ownDatabase tables that get a database (and so a SQLite thread) of their own when embedded, by file name
     */
    static LocalDynamo start(Optional<Path> folder, Optional<Integer> httpPort, Map<String, String> ownDatabase) throws Exception {
        return httpPort.isPresent() ? overHttp(folder, httpPort.get()) : embedded(folder, ownDatabase);
    }

    /**
     * The engines in this JVM, called directly: one database for most tables and one per table of {@code ownDatabase}.
     * A data folder made before the split (its one database file and none of the others) keeps its single database.
     */
    static LocalDynamo embedded(Optional<Path> folder, Map<String, String> ownDatabase) throws Exception {
        boolean single = folder.isPresent() && Files.exists(folder.get().resolve(DATABASE_FILE))
                && ownDatabase.values().stream().noneMatch(file -> Files.exists(folder.get().resolve(file)));
        List<AutoCloseable> engines = new ArrayList<>();
        LocalDBClient main = engine(folder.map(f -> f.resolve(DATABASE_FILE)), engines);
        Map<String, LocalDBClient> byTable = new HashMap<>();
        if (!single) {
            for (Map.Entry<String, String> own : ownDatabase.entrySet()) {
                byTable.put(own.getKey(), engine(folder.map(f -> f.resolve(own.getValue())), engines));
            }
        }
        TableWrites writes = new TableWrites();
        return new LocalDynamo(new EmbeddedClients(main, byTable, writes), writes, engines);
    }

    /** The same as {@link #embedded(Optional, Map)} with every table in one database. */
    static LocalDynamo embedded(Optional<Path> folder) throws Exception {
        return embedded(folder, Map.of());
    }

    private static LocalDBClient engine(Optional<Path> file, List<AutoCloseable> engines) throws Exception {
        WalDatabase database = file.isPresent() ? WalDatabase.open(file.get().toFile()) : WalDatabase.inMemory();
        LocalDBClient engine = new LocalDBClient(database, new JobsRegister(daemonPool(), false));
        engines.add(() -> {
            engine.shutdownNow();
            database.awaitClosed();
        });
        return engine;
    }

    /** DynamoDB Local's HTTP server on a loopback port, and HTTP clients on it. */
    static LocalDynamo overHttp(Optional<Path> folder, int requestedPort) throws Exception {
        int port = requestedPort == 0 ? freePort() : requestedPort;
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (folder.isPresent()) {
            args.addAll(List.of("-dbPath", folder.get().toString()));
        } else {
            args.add("-inMemory");
        }
        DynamoDBProxyServer server;
        try {
            server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        } catch (org.apache.commons.cli.ParseException unknownFlag) {
            args.remove("-disableTelemetry");
            server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        }
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        DynamoDBProxyServer started = server;
        DynamoDbClient dynamo = AwsClients.dynamoDbAt(endpoint);
        DynamoDbStreamsClient streams = AwsClients.dynamoDbStreamsAt(endpoint);
        // the HTTP clients first (they hold connection pools), then the server
        return new LocalDynamo(dynamo, table -> streams, TableWrites.unobserved(), Optional.of(endpoint),
                List.of(dynamo::close, streams::close, started::stop));
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The streams client of the database that holds {@code table}. */
    DynamoDbStreamsClient streams(String table) {
        return streams.apply(table);
    }

    /** Announces writes when embedded; over HTTP nothing is announced and pollers poll. */
    TableWrites writes() {
        return writes;
    }

    /** Where DynamoDB Local listens, when it is served over HTTP. */
    Optional<URI> endpoint() {
        return endpoint;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** The engine's background jobs (TTL, stream shard roll-over) run on daemon threads: they never keep the JVM up. */
    private static ExecutorService daemonPool() {
        return Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("dynamodb-local-jobs").unstarted(r));
    }

    @Override
    public void close() throws IOException {
        try {
            for (AutoCloseable engine : engines) {
                engine.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping DynamoDB Local", e);
        } catch (Exception e) {
            throw new IOException("DynamoDB Local did not stop", e);
        }
    }
}
