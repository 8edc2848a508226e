package io.nudge.bench.cold;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs in a fresh JVM whose class path is one function's jar plus this class: constructs the handler as Lambda would
 * (no-argument constructor: environment, clients, wiring), optionally runs the CRaC priming hook, then makes the
 * first and a second invocation, printing the timings on one line. Nothing else from the benchmark is on the class
 * path, so a class missing from the function jar fails here exactly as it would on Lambda.
 *
 * <p>args: handler-class kind(http|stream|bytes) prime(true|false) payload1 payload2 spawnNanos
 */
public final class ColdProbe {
    private ColdProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.nanoTime();
        long spawnedAt = Long.parseLong(args[5]);
        String kind = args[1];
        boolean prime = Boolean.parseBoolean(args[2]);
        byte[] first = Files.readAllBytes(Path.of(args[3]));
        byte[] second = Files.readAllBytes(Path.of(args[4]));

        long t0 = System.nanoTime();
        Object handler = Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();
        if (prime) {
            Class.forName("io.nudge.wiring.Priming").getMethod("primeAll").invoke(null);
        }
        long t2 = System.nanoTime();
        String result1 = invoke(handler, kind, first);
        long t3 = System.nanoTime();
        String result2 = invoke(handler, kind, second);
        long t4 = System.nanoTime();
        System.out.printf("COLD main=%.1f init=%.1f prime=%.1f first=%.1f second=%.1f total=%.1f result1=%s result2=%s%n",
                ms(mainAt - spawnedAt), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t3 - spawnedAt),
                result1.replace(' ', '_'), result2.replace(' ', '_'));
        System.out.flush();
        if (Boolean.getBoolean("probe.exit")) {
            System.exit(0); // a normal exit, so -XX:ArchiveClassesAtExit writes its archive
        }
        Runtime.getRuntime().halt(0);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String invoke(Object handler, String kind, byte[] payload) throws Exception {
        return switch (kind) {
            case "http" -> {
                var json = io.nudge.json.Json.MAPPER.readTree(payload);
                Map<String, String> headers = io.nudge.json.Json.MAPPER.convertValue(json.get("headers"), Map.class);
                APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                        .withRawPath(json.get("path").asText())
                        .withHeaders(headers)
                        .withBody(json.get("body").asText())
                        .withIsBase64Encoded(false)
                        .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(json.get("method").asText())
                                        .withPath(json.get("path").asText()).build()).build())
                        .build();
                Object response = ((RequestHandler) handler).handleRequest(event, null);
                yield "status:" + ((com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse) response).getStatusCode();
            }
            case "stream" -> {
                var event = io.nudge.lambda.StreamEventJson.parse(io.nudge.json.Json.MAPPER.readTree(payload));
                Object response = ((RequestHandler) handler).handleRequest(event, null);
                var failures = ((com.amazonaws.services.lambda.runtime.events.StreamsEventResponse) response).getBatchItemFailures();
                yield "failures:" + (failures == null ? 0 : failures.size());
            }
            case "bytes" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((RequestStreamHandler) handler).handleRequest(new ByteArrayInputStream(payload), out, null);
                yield "out:" + out.toString().replace(",", ";");
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
