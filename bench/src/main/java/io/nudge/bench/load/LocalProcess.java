package io.nudge.bench.load;

import io.nudge.bench.LocalDynamoServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The local runner as a child process ({@code java -jar local/target/nudge-local.jar --in-memory}), started fresh for
 * each run, with the endpoint of its DynamoDB Local read from its start-up lines when it prints one: a runner whose
 * DynamoDB Local runs embedded serves it over HTTP only when asked ({@code --dynamodb-port}).
 */
public final class LocalProcess implements AutoCloseable {
    private final Process process;
    private final URI base;
    private final Optional<URI> dynamo;
    private final Path outbox;
    private final List<String> log;

    private LocalProcess(Process process, URI base, Optional<URI> dynamo, Path outbox, List<String> log) {
        this.process = process;
        this.base = base;
        this.dynamo = dynamo;
        this.outbox = outbox;
        this.log = log;
    }

    /** With an empty definitions folder: the caller puts the triggers and templates it measures. */
    static LocalProcess start(Path root, Path dataDir, String apiKey, Map<String, String> env, List<String> jvmArgs) throws Exception {
        return start(root, dataDir, apiKey, env, jvmArgs, Files.createDirectories(dataDir.resolve("config")));
    }

    /** @param config the definitions folder ({@code --config}), e.g. the repository's {@code examples/} as a user starts it */
    static LocalProcess start(Path root, Path dataDir, String apiKey, Map<String, String> env, List<String> jvmArgs, Path config) throws Exception {
        return start(root, dataDir, apiKey, env, jvmArgs, config, true);
    }

    /**
     * @param inMemory false to keep the database in {@code <dataDir>/dynamodb} (the runner's default): a runner started
     *                 on a data folder seeded before
     */
    public static LocalProcess start(Path root, Path dataDir, String apiKey, Map<String, String> env, List<String> jvmArgs, Path config,
            boolean inMemory) throws Exception {
        return start(root.resolve("local/target/nudge-local.jar"), dataDir, apiKey, env, jvmArgs, config, inMemory, List.of());
    }

    /**
     * @param jar        the runner's jar: this build's or another one's (a baseline measured in the same run)
     * @param runnerArgs more runner flags, e.g. {@code --dynamodb-port 0} on a runner that knows it
     */
    static LocalProcess start(Path jar, Path dataDir, String apiKey, Map<String, String> env, List<String> jvmArgs, Path config,
            boolean inMemory, List<String> runnerArgs) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw package");
        }
        int port = LocalDynamoServer.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        if (inMemory) {
            command.add("--in-memory");
        }
        command.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port), "--config", config.toString()));
        command.addAll(runnerArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dataDir.toFile());
        builder.environment().put("NUDGE_API_KEY", apiKey);
        builder.environment().putAll(env);
        Process process = builder.start();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        // the endpoint line comes before the API key line when there is one; a runner without it prints none
        CompletableFuture<Optional<URI>> dynamo = new CompletableFuture<>();
        Path logFile = dataDir.resolve("runner.log");
        Thread.ofPlatform().daemon().name("nudge-local-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    java.io.Writer file = Files.newBufferedWriter(logFile)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    if (line.startsWith("nudge: dynamodb ")) {
                        dynamo.complete(Optional.of(URI.create(line.substring("nudge: dynamodb ".length()).split(" ")[0])));
                    }
                    if (line.startsWith("nudge: admin API key")) {
                        dynamo.complete(Optional.empty());
                    }
                    if (log.size() < 2000) {
                        log.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            dynamo.complete(Optional.empty());
        });
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local runner exited:\n" + String.join("\n", log));
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the local runner did not become healthy in 120 s:\n" + String.join("\n", log));
            }
            Thread.sleep(100);
        }
        Optional<URI> endpoint;
        try {
            endpoint = dynamo.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException silent) {
            endpoint = Optional.empty();
        }
        return new LocalProcess(process, base, endpoint, dataDir.resolve("outbox"), log);
    }

    public URI base() {
        return base;
    }

    /** The runner's DynamoDB Local over HTTP, when it serves one. */
    Optional<URI> dynamo() {
        return dynamo;
    }

    public Path outbox() {
        return outbox;
    }

    List<String> log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
