package io.nudge.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** DynamoDB Local in memory (or on a database folder), in this JVM, on a loopback port: what the local runner and the tests use. */
public final class LocalDynamoServer implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private LocalDynamoServer(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** @param root the repository: sqlite4java's natives are copied to bench/target/native-libs by the build */
    public static LocalDynamoServer start(Path root) throws Exception {
        return start(root, java.util.Optional.empty());
    }

    /**
     * @param dbPath the folder of the database file ({@code -dbPath}), e.g. a runner's {@code <data-dir>/dynamodb};
     *               empty for in memory
     */
    public static LocalDynamoServer start(Path root, java.util.Optional<Path> dbPath) throws Exception {
        if (System.getProperty("sqlite4java.library.path") == null) {
            Path natives = root.resolve("bench/target/native-libs");
            if (!Files.isDirectory(natives)) {
                natives = root.resolve("shared/target/native-libs");
            }
            System.setProperty("sqlite4java.library.path", natives.toString());
        }
        int port = freePort();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-port", Integer.toString(port), "-sharedDb"));
        if (dbPath.isPresent()) {
            args.addAll(java.util.List.of("-dbPath", Files.createDirectories(dbPath.get()).toString()));
        } else {
            args.add("-inMemory");
        }
        DynamoDBProxyServer server;
        try {
            java.util.List<String> quiet = new java.util.ArrayList<>(args);
            quiet.add("-disableTelemetry");
            server = ServerRunner.createServerFromCommandLineArgs(quiet.toArray(String[]::new));
        } catch (org.apache.commons.cli.ParseException unknownFlag) {
            server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        }
        server.start();
        return new LocalDynamoServer(server, URI.create("http://127.0.0.1:" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws java.io.IOException {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while stopping DynamoDB Local", e);
        } catch (Exception e) {
            throw new java.io.IOException("DynamoDB Local did not stop", e);
        }
    }
}
