package io.nudge.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local in this JVM, served on a loopback port so the SDK talks to it exactly as to DynamoDB.
 * -sharedDb keeps one database file whatever credentials or region a client uses.
 */
final class LocalDynamo implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private LocalDynamo(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** @param dataDir where the database file lives, or empty for in-memory */
    static LocalDynamo start(Optional<Path> dataDir) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (dataDir.isPresent()) {
            args.addAll(List.of("-dbPath", dataDir.get().toString()));
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
        return new LocalDynamo(server, URI.create("http://127.0.0.1:" + port));
    }

    URI endpoint() {
        return endpoint;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping DynamoDB Local", e);
        } catch (Exception e) {
            throw new IOException("DynamoDB Local did not stop", e);
        }
    }
}
