package io.nudge.bench.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The console's API calls timed as a screen makes them: in sequence where the page awaits one before the next, in
 * parallel where it uses Promise.all. A 404 from the router for a route this build lacks ({@code "no route …"}) is
 * recorded as missing, not as a failure: the routes of issue #14 are built on other branches.
 */
final class ApiTiming implements AutoCloseable {
    /** One request of a screen run: its label (the route), wall time, status. */
    record Call(String label, double millis, int status, boolean missing) {}

    /** What a screen run saw: its wall time and its calls. */
    record ScreenRun(String screen, double millis, List<Call> calls) {
        boolean missing() {
            return calls.stream().anyMatch(Call::missing);
        }

        boolean failed() {
            return calls.stream().anyMatch(c -> !c.missing() && c.status() >= 400 && c.status() != 404);
        }
    }

    /** A page's answer to one call. */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String key;
    private final ExecutorService pool = Executors.newFixedThreadPool(6);
    private List<Call> current = Collections.synchronizedList(new ArrayList<>());

    ApiTiming(URI base, String key) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
        this.base = base;
        this.key = key;
    }

    /** Runs {@code page} as one screen run and times it as a whole. */
    ScreenRun screen(String name, Page page) throws Exception {
        current = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        page.run(this);
        double millis = (System.nanoTime() - start) / 1e6;
        return new ScreenRun(name, millis, List.copyOf(current));
    }

    /** A screen's requests; throws only on an I/O failure. */
    @FunctionalInterface
    interface Page {
        void run(ApiTiming api) throws Exception;
    }

    /** GET one path and wait for it. */
    Answer get(String label, String path) throws Exception {
        return async(label, path).get();
    }

    /** GET several paths at once (the page's Promise.all) and wait for all. */
    List<Answer> all(List<String[]> labelAndPath) throws Exception {
        List<CompletableFuture<Answer>> futures = labelAndPath.stream().map(lp -> async(lp[0], lp[1])).toList();
        List<Answer> answers = new ArrayList<>();
        for (CompletableFuture<Answer> f : futures) {
            answers.add(f.get());
        }
        return answers;
    }

    private CompletableFuture<Answer> async(String label, String path) {
        List<Call> into = current;
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key).header("accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            double millis = (System.nanoTime() - start) / 1e6;
            JsonNode body;
            try {
                body = Json.parse(response.body());
            } catch (Exception notJson) {
                body = Json.object();
            }
            boolean missing = response.statusCode() == 404 && body.path("error").path("message").asText("").startsWith("no route");
            into.add(new Call(label, millis, response.statusCode(), missing));
            return new Answer(response.statusCode(), body);
        });
    }

    @Override
    public void close() {
        http.shutdownNow();
        pool.shutdownNow();
    }
}
