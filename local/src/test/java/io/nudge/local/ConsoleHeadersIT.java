package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's answers over plain HTTP from the local runner (no browser): every response under {@code /ui/}
 * carries the security headers, and the first load (the page and what it loads, gzipped as served) stays small.
 */
class ConsoleHeadersIT extends LocalRunnerCase {
    static final Map<String, String> SECURITY = Map.of(
            "content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "x-content-type-options", "nosniff",
            "referrer-policy", "no-referrer");
    static final Pattern LOADED = Pattern.compile("(?:src|href)=\"(/ui/assets/[^\"]+)\"");
    static final Pattern IMPORTED = Pattern.compile("from '\\./([^']+)'");
    static final long FIRST_LOAD_LIMIT = 250 * 1024;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        startRunner();
    }

    @Test
    void every_answer_under_ui_carries_the_security_headers() throws Exception {
        String page = text(get("/ui/", Map.of()));
        List<String> assets = assets(page);
        assertThat(assets).anyMatch(a -> a.endsWith("/app.js")).anyMatch(a -> a.endsWith("/style.css"));
        List<String> paths = new ArrayList<>(List.of("/ui", "/ui/", "/ui/users/ada", "/ui/messages/m-1", "/ui/triggers/welcome",
                "/ui/templates/welcome", "/ui/campaigns/weekly", "/ui/no/such/page", "/ui/assets/nope.js"));
        paths.addAll(assets);
        for (String path : paths) {
            for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("accept-encoding", "gzip"))) {
                HttpResponse<byte[]> response = get(path, headers);
                SECURITY.forEach((name, value) -> assertThat(response.headers().firstValue(name)).as(path + " " + name).hasValue(value));
            }
        }
        assertThat(get("/ui", Map.of()).statusCode()).isEqualTo(308);
        assertThat(get("/ui", Map.of()).headers().firstValue("location")).hasValue("/ui/");
        assertThat(get("/ui/assets/nope.js", Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> deepLink = get("/ui/users/ada", Map.of());
        assertThat(deepLink.statusCode()).isEqualTo(200);
        assertThat(text(deepLink)).isEqualTo(page);
        HttpResponse<byte[]> revalidated = get(assets.get(0), Map.of("if-none-match", get(assets.get(0), Map.of()).headers().firstValue("etag").orElseThrow()));
        assertThat(revalidated.statusCode()).isEqualTo(304);
        SECURITY.forEach((name, value) -> assertThat(revalidated.headers().firstValue(name)).as("304 " + name).hasValue(value));
    }

    @Test
    void the_first_load_is_small_and_gzipped_where_it_pays() throws Exception {
        Map<String, String> browser = Map.of("accept-encoding", "gzip, deflate, br");
        HttpResponse<byte[]> index = get("/ui/", browser);
        long total = index.body().length;
        StringBuilder report = new StringBuilder("/ui/ " + index.body().length);
        List<String> pending = new ArrayList<>(assets(text(get("/ui/", Map.of()))));
        List<String> seen = new ArrayList<>();
        while (!pending.isEmpty()) {
            String asset = pending.remove(0);
            if (seen.contains(asset)) {
                continue;
            }
            seen.add(asset);
            HttpResponse<byte[]> served = get(asset, browser);
            assertThat(served.statusCode()).as(asset).isEqualTo(200);
            total += served.body().length;
            report.append(", ").append(asset.substring(asset.lastIndexOf('/') + 1)).append(' ').append(served.body().length)
                    .append(served.headers().firstValue("content-encoding").map(e -> " " + e).orElse(""));
            if (asset.endsWith(".js")) {
                // the modules it imports load too
                Matcher imports = IMPORTED.matcher(text(get(asset, Map.of())));
                while (imports.find()) {
                    pending.add(asset.substring(0, asset.lastIndexOf('/') + 1) + imports.group(1));
                }
            }
        }
        System.out.println("console first load: " + total + " bytes transferred (" + report + ")");
        assertThat(seen).hasSizeGreaterThanOrEqualTo(5);
        assertThat(total).isLessThanOrEqualTo(FIRST_LOAD_LIMIT);
    }

    private static List<String> assets(String page) {
        List<String> found = new ArrayList<>();
        Matcher m = LOADED.matcher(page);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + path)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
