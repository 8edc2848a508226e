package io.nudge.bench.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The console's first load as a browser with an empty cache fetches it: {@code GET /ui/}, the assets the page names,
 * and every module those import (relative {@code import … from './x.js'}, side-effect and dynamic imports), each with
 * {@code Accept-Encoding: gzip}. Bytes transferred are the bodies as sent (compressed where the server compressed)
 * plus the status line and headers.
 */
final class FirstLoad {
    static final long BUDGET_BYTES = 250 * 1024;
    private static final Pattern PAGE_REFS = Pattern.compile("(?:href|src)=\"(/ui/[^\"]+)\"");
    private static final Pattern IMPORTS = Pattern.compile("(?:import|export)\\s*(?:[^'\"();]*?\\sfrom\\s*)?\\(?\\s*['\"](\\.{1,2}/[^'\"]+)['\"]");

    record Resource(String path, int status, long bodyBytes, long headerBytes, long decodedBytes, String encoding) {}

    record Result(List<Resource> resources) {
        long transferred() {
            return resources.stream().mapToLong(r -> r.bodyBytes() + r.headerBytes()).sum();
        }

        long decoded() {
            return resources.stream().mapToLong(Resource::decodedBytes).sum();
        }

        boolean met() {
            return transferred() <= BUDGET_BYTES && resources.stream().allMatch(r -> r.status() == 200);
        }
    }

    private FirstLoad() {}

    static Result measure(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<Resource> resources = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add("/ui/");
        seen.add("/ui/");
        while (!queue.isEmpty()) {
            String path = queue.poll();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("accept-encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            String encoding = response.headers().firstValue("content-encoding").orElse("identity");
            byte[] body = response.body();
            byte[] decoded = encoding.equals("gzip") ? gunzip(body) : body;
            long headerBytes = ("HTTP/1.1 " + response.statusCode() + " OK\r\n").length() + 2;
            for (var header : response.headers().map().entrySet()) {
                for (String value : header.getValue()) {
                    headerBytes += header.getKey().length() + 2 + value.length() + 2;
                }
            }
            resources.add(new Resource(path, response.statusCode(), body.length, headerBytes, decoded.length, encoding));
            String text = new String(decoded, StandardCharsets.UTF_8);
            List<String> refs = new ArrayList<>();
            if (path.equals("/ui/")) {
                Matcher m = PAGE_REFS.matcher(text);
                while (m.find()) {
                    refs.add(m.group(1));
                }
            } else if (path.endsWith(".js")) {
                Matcher m = IMPORTS.matcher(text);
                while (m.find()) {
                    refs.add(URI.create(path).resolve(m.group(1)).getPath());
                }
            }
            for (String ref : refs) {
                if (seen.add(ref)) {
                    queue.add(ref);
                }
            }
        }
        return new Result(resources);
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
