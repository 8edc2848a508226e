package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.campaigns.CampaignRunner;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's static serving through the API's router: the page for every deep link, assets, caching, headers. */
class ConsoleRoutesTest {
    private static final Pattern ASSET = Pattern.compile("(/ui/assets/[0-9a-f]{16}/)app\\.js");
    private NudgeApi api;

    @BeforeEach
    void setUp() {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(MutableClock.at("2026-11-24T09:00:00Z")).build();
        List<CampaignRunner.Request> runs = new ArrayList<>();
        api = services.api(ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add));
    }

    @Test
    void every_deep_link_gets_the_page_with_the_security_headers_and_no_cache() {
        String page = get("/ui/", Map.of()).body();
        for (String path : List.of("/ui/", "/ui/users/ada", "/ui/messages/m-1", "/ui/triggers/welcome", "/ui/templates/welcome",
                "/ui/campaigns/weekly", "/ui/users/ada/anything/else", "/ui/users/%3Cimg%20src%3Dx%3E")) {
            ApiResponse response = get(path, Map.of());
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).isEqualTo(page).contains("<script type=\"module\" src=\"/ui/assets/");
            assertThat(response.headers()).as(path).containsEntry("content-type", "text/html; charset=utf-8")
                    .containsEntry("cache-control", "no-cache").containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS);
        }
        // no inline script may run; inline styles are allowed for sandboxed email previews (see SECURITY_HEADERS)
        String policy = ConsoleRoutes.SECURITY_HEADERS.get("content-security-policy");
        assertThat(policy).contains("frame-ancestors 'none'").contains("script-src 'self';").contains("style-src 'self' 'unsafe-inline';");
        assertThat(policy.split(";")).filteredOn(d -> !d.strip().startsWith("style-src")).noneMatch(d -> d.contains("unsafe"));
    }

    @Test
    void ui_without_the_slash_redirects_and_errors_under_ui_carry_the_headers_too() {
        ApiResponse redirect = get("/ui", Map.of());
        assertThat(redirect.status()).isEqualTo(308);
        assertThat(redirect.headers()).containsEntry("location", "/ui/").containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS);
        ApiResponse unknown = get(base() + "nope.js", Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers()).containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS);
        assertThat(get("/ui/assets/0000000000000000/app.js", Map.of()).status()).as("another release's asset").isEqualTo(404);
        assertThat(get("/ui/assets/app.js", Map.of()).status()).isEqualTo(404);
        ApiResponse post = api.handle(new ApiRequest("POST", "/ui/users/ada", Map.of(), Map.of(), Optional.empty()));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS);
        // the API's own answers do not change
        assertThat(get("/health", Map.of()).headers()).doesNotContainKey("content-security-policy");
    }

    @Test
    void assets_are_cached_long_revalidated_by_etag_and_gzipped_when_asked() throws Exception {
        for (String name : ConsoleRoutes.ASSETS) {
            ApiResponse plain = get(base() + name, Map.of());
            assertThat(plain.status()).as(name).isEqualTo(200);
            assertThat(plain.headers()).as(name).containsEntry("cache-control", "public, max-age=31536000, immutable")
                    .containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS).doesNotContainKey("content-encoding");
            assertThat(plain.headers().get("content-type")).as(name).isEqualTo(name.endsWith(".js")
                    ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
            String etag = plain.headers().get("etag");
            ApiResponse again = get(base() + name, Map.of("if-none-match", etag));
            assertThat(again.status()).as(name).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.headers()).containsEntry("etag", etag).containsAllEntriesOf(ConsoleRoutes.SECURITY_HEADERS);

            ApiResponse zipped = get(base() + name, Map.of("accept-encoding", "gzip, deflate, br"));
            byte[] original = plain.body().getBytes(StandardCharsets.UTF_8);
            if (original.length > ConsoleRoutes.GZIP_MIN_BYTES) {
                assertThat(zipped.headers()).as(name).containsEntry("content-encoding", "gzip").containsEntry("vary", "accept-encoding");
                assertThat(zipped.base64Encoded()).isTrue();
                assertThat(zipped.headers().get("etag")).isNotEqualTo(etag);
                byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(zipped.body()))).readAllBytes();
                assertThat(unzipped).isEqualTo(original);
            } else {
                assertThat(zipped.headers()).as(name).doesNotContainKey("content-encoding");
            }
        }
        assertThat(get(base() + "app.js", Map.of("accept-encoding", "gzip;q=0")).headers()).doesNotContainKey("content-encoding");
    }

    @Test
    void the_page_revalidates_by_etag() {
        String etag = get("/ui/users/ada", Map.of()).headers().get("etag");
        assertThat(get("/ui/", Map.of("if-none-match", "\"other\", " + etag)).status()).isEqualTo(304);
        assertThat(get("/ui/", Map.of("if-none-match", "\"other\"")).status()).isEqualTo(200);
    }

    @Test
    void gzip_is_accepted_only_when_named_and_not_refused() {
        assertThat(ConsoleRoutes.acceptsGzip("gzip, deflate")).isTrue();
        assertThat(ConsoleRoutes.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
        assertThat(ConsoleRoutes.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ConsoleRoutes.acceptsGzip("identity")).isFalse();
        assertThat(ConsoleRoutes.acceptsGzip("")).isFalse();
    }

    @Test
    void a_greedy_last_segment_takes_the_rest_of_the_path_and_clashes_with_what_it_could_answer() {
        Route greedy = Route.open("GET", "/ui/{path+}", (r, p) -> ApiResponse.noContent());
        assertThat(greedy.match(List.of("ui", "users", "ada"))).containsEntry("path", "users/ada");
        assertThat(greedy.match(List.of("ui", "x"))).containsEntry("path", "x");
        assertThat(greedy.match(List.of("ui"))).isNull();
        assertThat(greedy.match(List.of("v1", "users"))).isNull();
        Route.Action none = (r, p) -> ApiResponse.noContent();
        assertThat(greedy.clashesWith(Route.open("GET", "/ui/users/{id}", none))).isTrue();
        assertThat(Route.open("GET", "/{any}/x/y", none).clashesWith(greedy)).isTrue();
        assertThat(greedy.clashesWith(Route.open("GET", "/ui", none))).isFalse();
        assertThat(greedy.clashesWith(Route.open("GET", "/v1/users/{id}", none))).isFalse();
        assertThat(greedy.clashesWith(Route.open("POST", "/ui/x", none))).isFalse();
    }

    private String base() {
        Matcher m = ASSET.matcher(get("/ui/", Map.of()).body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private ApiResponse get(String path, Map<String, String> headers) {
        return api.handle(new ApiRequest("GET", path, headers, Map.of(), Optional.empty()));
    }
}
