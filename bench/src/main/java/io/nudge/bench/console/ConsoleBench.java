package io.nudge.bench.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.bench.Bench;
import io.nudge.bench.load.LocalProcess;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bench/run console [--users N --messages N --quick]}: issue #14's budgets for the console — every screen answers
 * in ≤ 1 s on the local runner holding 10,000 users and 100,000 messages, and the first load transfers ≤ 250 KB. Seeds a
 * fresh data folder with direct store writes ({@link ConsoleSeed}), starts the real runner on it with {@code --config
 * examples}, times each screen's API calls as the page makes them ({@link ApiTiming}), the first load ({@link
 * FirstLoad}) and, when Debian's Chromium is installed, each deep link in the browser ({@link BrowserTiming}).
 */
public final class ConsoleBench {
    static final double BUDGET_MILLIS = 1000;
    private static final String KEY = "console-bench-admin-key-0123456789abcdef";
    private static final List<String> TRIGGERS = List.of("welcome", "abandoned_cart", "day1_tips", "order_shipped", "win_back");
    private static final List<String> TEMPLATES = List.of("welcome_email", "cart_reminder", "day1_tips", "we_miss_you", "order_shipped_sms",
            "digest_a", "digest_b");
    private static final int OUTBOX_EMAILS = 20;

    /** A screen's runs: the first cold (the runner's first request of these routes), then warm ones. */
    record ScreenTimes(String screen, String requests, List<ApiTiming.ScreenRun> runs) {}

    /** A deep link's browser runs. */
    record BrowserTimes(String screen, String link, List<BrowserTiming.Shown> runs) {}

    private ConsoleBench() {}

    public static void run(Bench.Options options, int users, int messages) throws Exception {
        String loadBefore = Machine.loadAverage();
        String machine = Machine.describe();
        int warm = 10;
        Path data = Files.createTempDirectory("nudge-console-");
        System.out.printf("console: seeding %,d users and %,d messages into %s ...%n", users, messages, data);
        ConsoleSeed.Seeded seeded = ConsoleSeed.seed(options.root(), data, users, messages);
        System.out.printf("console: seeded %,d users, %,d messages, %,d events, %,d stats updates in %.1f s (%,.0f items/s); statuses %s%n",
                seeded.users(), seeded.messages(), seeded.events(), seeded.statsUpdates(), seeded.seconds(), seeded.itemsPerSecond(),
                seeded.statuses());
        List<ScreenTimes> screens;
        FirstLoad.Result firstLoad;
        List<BrowserTimes> browser = List.of();
        String browserNote;
        long runnerStart = System.nanoTime();
        try (LocalProcess runner = LocalProcess.start(options.root(), data, KEY, Map.of(), List.of(), options.root().resolve("examples"), false)) {
            double startSeconds = (System.nanoTime() - runnerStart) / 1e9;
            System.out.printf("console: runner healthy on the seeded data after %.1f s%n", startSeconds);
            int outbox = fillOutbox(runner.base());
            System.out.printf("console: %d emails in the outbox; timing the screens' API calls (1 cold + %d warm runs each) ...%n", outbox, warm);
            screens = timeScreens(runner.base(), seeded, warm);
            firstLoad = FirstLoad.measure(runner.base());
            System.out.printf("console: first load %,d bytes transferred (%,d decoded), %d resources%n", firstLoad.transferred(),
                    firstLoad.decoded(), firstLoad.resources().size());
            if (BrowserTiming.available()) {
                System.out.println("console: timing each deep link in headless Chromium ...");
                try {
                    browser = timeBrowser(runner.base(), seeded, options.quick() ? 3 : warm);
                    browserNote = "Headless Chromium (`/usr/bin/chromium`, `--headless=new`) through Selenium with `/usr/bin/chromedriver`.";
                } catch (RuntimeException | Error e) {
                    browserNote = "The browser part failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
                    System.out.println("console: " + browserNote);
                }
            } else {
                browserNote = "Not measured: `/usr/bin/chromium` and `/usr/bin/chromedriver` are not installed "
                        + "(`apt-get install chromium chromium-driver`).";
            }
            report(options, users, messages, machine, loadBefore, seeded, startSeconds, outbox, screens, firstLoad, browser, browserNote, warm);
        }
        System.out.println("console: report in " + options.out().resolve("console.md"));
    }

    private static List<ScreenTimes> timeScreens(URI base, ConsoleSeed.Seeded seeded, int warm) throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String weekAgo = LocalDate.now(ZoneOffset.UTC).minusDays(6).toString();
        Map<String, String> requests = new LinkedHashMap<>();
        Map<String, ScreenPage> pages = new LinkedHashMap<>();
        requests.put("Overview", "outbox?limit=1 → stats/overview (7 days)");
        pages.put("Overview", i -> api -> {
            api.get("GET /local/outbox?limit=1", "/local/outbox?limit=1");
            api.get("GET /v1/stats/overview?from&to", "/v1/stats/overview?from=" + weekAgo + "&to=" + today);
        });
        requests.put("Messages search", "triggers ∥ campaigns → messages?triggerId=welcome&limit=50 (cursor followed while empty)");
        pages.put("Messages search", i -> api -> {
            api.all(List.of(new String[] {"GET /v1/triggers", "/v1/triggers"}, new String[] {"GET /v1/campaigns", "/v1/campaigns"}));
            search(api, "GET /v1/messages?triggerId&limit=50", "/v1/messages?triggerId=welcome&limit=50");
        });
        requests.put("Messages search, narrow", "triggers ∥ campaigns → messages?…&status=COMPLAINED&limit=50, cursor followed while nothing matched, for at most 300 ms (as the console)");
        pages.put("Messages search, narrow", i -> api -> {
            api.all(List.of(new String[] {"GET /v1/triggers", "/v1/triggers"}, new String[] {"GET /v1/campaigns", "/v1/campaigns"}));
            String source = i % 6 == 5 ? "campaignId=weekly_digest" : "triggerId=" + TRIGGERS.get(i % 5);
            search(api, "GET /v1/messages?…&status=COMPLAINED&limit=50", "/v1/messages?" + source + "&status=COMPLAINED&limit=50");
        });
        requests.put("Message page", "messages/{id}");
        pages.put("Message page", i -> api -> api.get("GET /v1/messages/{messageId}", "/v1/messages/" + seg(seeded.messageIds().get(i))));
        requests.put("User page", "users/{id} → messages ∥ suppressions/email ∥ suppressions/sms → timeline?limit=50");
        pages.put("User page", i -> api -> {
            String id = seg(seeded.userIds().get(i));
            ApiTiming.Answer profile = api.get("GET /v1/users/{userId}", "/v1/users/" + id);
            List<String[]> next = new ArrayList<>();
            next.add(new String[] {"GET /v1/users/{userId}/messages", "/v1/users/" + id + "/messages"});
            if (profile.body().hasNonNull("email")) {
                next.add(new String[] {"GET /v1/suppressions/email/{address}", "/v1/suppressions/email/" + seg(profile.body().get("email").asText())});
            }
            if (profile.body().hasNonNull("phone")) {
                next.add(new String[] {"GET /v1/suppressions/sms/{address}", "/v1/suppressions/sms/" + seg(profile.body().get("phone").asText())});
            }
            api.all(next);
            api.get("GET /v1/users/{userId}/timeline?limit=50", "/v1/users/" + id + "/timeline?limit=50");
        });
        requests.put("Trigger page", "triggers/{id} → stats/triggers/{id} (7 days)");
        pages.put("Trigger page", i -> api -> {
            String id = TRIGGERS.get(i % TRIGGERS.size());
            api.get("GET /v1/triggers/{id}", "/v1/triggers/" + id);
            api.get("GET /v1/stats/triggers/{id}?from&to", "/v1/stats/triggers/" + id + "?from=" + weekAgo + "&to=" + today);
        });
        requests.put("Template page", "templates/{id}");
        pages.put("Template page", i -> api -> api.get("GET /v1/templates/{id}", "/v1/templates/" + TEMPLATES.get(i % TEMPLATES.size())));
        requests.put("Campaign page", "campaigns/{id} → stats/campaigns/{id}");
        pages.put("Campaign page", i -> api -> {
            api.get("GET /v1/campaigns/{id}", "/v1/campaigns/weekly_digest");
            api.get("GET /v1/stats/campaigns/{id}", "/v1/stats/campaigns/weekly_digest");
        });
        requests.put("Outbox", "local/outbox?limit=50");
        pages.put("Outbox", i -> api -> api.get("GET /local/outbox?limit=50", "/local/outbox?limit=50"));

        Map<String, List<ApiTiming.ScreenRun>> runs = new LinkedHashMap<>();
        try (ApiTiming api = new ApiTiming(base, KEY)) {
            for (int i = 0; i <= warm; i++) {
                for (Map.Entry<String, ScreenPage> page : pages.entrySet()) {
                    ApiTiming.ScreenRun run = api.screen(page.getKey(), page.getValue().run(i));
                    runs.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(run);
                }
            }
        }
        List<ScreenTimes> times = new ArrayList<>();
        runs.forEach((screen, list) -> times.add(new ScreenTimes(screen, requests.get(screen), list)));
        for (ScreenTimes t : times) {
            System.out.printf("  %-26s cold %6.0f ms, warm median %6.0f ms, max %6.0f ms%s%n", t.screen(), t.runs().get(0).millis(),
                    median(warm(t).stream().mapToDouble(ApiTiming.ScreenRun::millis).toArray()),
                    max(warm(t).stream().mapToDouble(ApiTiming.ScreenRun::millis).toArray()), missing(t).isEmpty() ? "" : "  missing: " + missing(t));
        }
        return times;
    }

    @FunctionalInterface
    private interface ScreenPage {
        ApiTiming.Page run(int i);
    }

    /** As the console's search: follows the cursor while nothing matched, for at most its 300 ms, then shows what it has. */
    private static void search(ApiTiming api, String label, String path) throws Exception {
        String cursor = null;
        int found = 0;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300);
        for (int pages = 0; pages < 1000 && System.nanoTime() < deadline; pages++) {
            ApiTiming.Answer page = api.get(label, cursor == null ? path : path + "&cursor=" + seg(cursor));
            if (!page.ok()) {
                return;
            }
            found += page.body().path("messages").size();
            JsonNode next = page.body().path("next");
            cursor = next.isTextual() ? next.asText() : null;
            if (found > 0 || cursor == null) {
                return;
            }
        }
    }

    private static List<BrowserTimes> timeBrowser(URI base, ConsoleSeed.Seeded seeded, int warm) {
        Map<String, java.util.function.IntFunction<String>> links = new LinkedHashMap<>();
        links.put("Overview", i -> "/ui/");
        links.put("Messages search", i -> "/ui/messages?triggerId=welcome");
        links.put("Messages search, narrow", i -> "/ui/messages?triggerId=" + TRIGGERS.get(i % TRIGGERS.size()) + "&status=COMPLAINED");
        links.put("Message page", i -> "/ui/messages/" + seg(seeded.messageIds().get(i)));
        links.put("User page", i -> "/ui/users/" + seg(seeded.userIds().get(i)));
        links.put("Trigger page", i -> "/ui/triggers/" + TRIGGERS.get(i % TRIGGERS.size()));
        links.put("Template page", i -> "/ui/templates/" + TEMPLATES.get(i % TEMPLATES.size()));
        links.put("Campaign page", i -> "/ui/campaigns/weekly_digest");
        links.put("Outbox", i -> "/ui/outbox");
        Map<String, List<BrowserTiming.Shown>> runs = new LinkedHashMap<>();
        try (BrowserTiming browser = new BrowserTiming(base, KEY)) {
            for (int i = 0; i <= warm; i++) {
                for (var link : links.entrySet()) {
                    BrowserTiming.Shown shown;
                    try {
                        shown = browser.open(link.getValue().apply(i));
                    } catch (RuntimeException e) {
                        shown = new BrowserTiming.Shown(Double.NaN, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
                    }
                    runs.computeIfAbsent(link.getKey(), k -> new ArrayList<>()).add(shown);
                }
            }
        }
        List<BrowserTimes> times = new ArrayList<>();
        runs.forEach((screen, list) -> times.add(new BrowserTimes(screen, links.get(screen).apply(0), list)));
        for (BrowserTimes t : times) {
            double[] ok = t.runs().stream().filter(s -> s.error().isEmpty()).mapToDouble(BrowserTiming.Shown::millis).toArray();
            System.out.printf("  %-18s %s%n", t.screen(), ok.length == 0 ? "failed: " + t.runs().get(0).error()
                    : String.format("median %.0f ms, max %.0f ms (%d of %d shown)", median(ok), max(ok), ok.length, t.runs().size()));
        }
        return times;
    }

    /** A few real emails in the outbox (the seeded messages have none): new users signing up, sent by the runner. */
    private static int fillOutbox(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        StringBuilder events = new StringBuilder("{\"events\":[");
        for (int i = 0; i < OUTBOX_EMAILS; i++) {
            String id = "outbox-user-" + i;
            send(http, "PUT", base.resolve("/v1/users/" + id), "{\"email\":\"" + id + "@example.com\",\"attributes\":{\"first_name\":\"Outbox" + i + "\"},"
                    + "\"consent\":{\"email\":\"opted_in\"}}");
            events.append(i == 0 ? "" : ",").append("{\"id\":\"outbox-signup-").append(i).append("\",\"userId\":\"").append(id)
                    .append("\",\"name\":\"signed_up\",\"properties\":{\"plan\":\"pro\"}}");
        }
        send(http, "POST", base.resolve("/v1/events"), events.append("]}").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int total = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> outbox = send(http, "GET", base.resolve("/local/outbox?limit=1"), null);
            total = outbox.statusCode() == 200 ? io.nudge.json.Json.parse(outbox.body()).path("total").asInt() : 0;
            if (total >= OUTBOX_EMAILS || outbox.statusCode() != 200) {
                break;
            }
            Thread.sleep(250); // a poll interval of the harness
        }
        return total;
    }

    private static HttpResponse<String> send(HttpClient http, String method, URI uri, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void report(Bench.Options options, int users, int messages, String machine, String loadBefore, ConsoleSeed.Seeded seeded,
            double startSeconds, int outbox, List<ScreenTimes> screens, FirstLoad.Result firstLoad, List<BrowserTimes> browser,
            String browserNote, int warm) {
        String command = "bench/run console" + (options.quick() ? " --quick" : "")
                + (options.quick() || users != 10_000 || messages != 100_000 ? " (--users " + users + " --messages " + messages + ")" : "");
        Markdown md = new Markdown().h1("The console: every screen ≤ 1 s over " + String.format("%,d users and %,d messages", users, messages)
                + "; first load ≤ 250 KB");
        md.p("Command: `" + command + "`. Machine: " + machine + ". Load average before: " + loadBefore + ", after: " + Machine.loadAverage()
                + ". The machine is shared with other builds: absolute times move with its load.");
        md.h2("Seeding (direct store writes, no HTTP)");
        md.p("DynamoDB Local on a fresh data folder's `dynamodb/` (`-dbPath`), the tables of `Tables.withPrefix(\"nudge-\")` created by "
                + "`TableDefinitions.createMissing`, then BatchWriteItem of 25 from 4 threads with the stores' own item mapping "
                + "(`UserStore.toItem`, `MessageStore.toItem`, `EventStore.toItem` plus the stored evaluation) and the Stats counters of "
                + "those messages (`StatsStore.add`, one UpdateItem per subject, channel and day). The Events and Messages streams are "
                + "off while seeding (DynamoDB Local slows to a few writes a second once a stream holds some ten thousand records) and "
                + "on again after, each runner poller checkpointed at its re-enabled stream's start: nothing seeded is evaluated or delivered. "
                + "Then the real runner (`java -jar local/target/nudge-local.jar --data-dir … --config examples`, not in memory) on that folder.");
        md.table(List.of("users", "messages", "events", "stats updates", "seeding took", "items/s", "runner healthy after"),
                List.of(List.of(String.format("%,d", seeded.users()), String.format("%,d", seeded.messages()), String.format("%,d", seeded.events()),
                        String.format("%,d", seeded.statsUpdates()), Markdown.num(seeded.seconds()) + " s", Markdown.num(seeded.itemsPerSecond()),
                        Markdown.num(startSeconds) + " s")));
        md.p("Messages over the last 30 days by source: " + seeded.bySource() + "; by status: " + seeded.statuses()
                + ". Campaign messages (weekly_digest, arms A and B, one run every Monday 10:00 Berlin) carry `{\"campaign\":{\"id\",\"runId\",\"arm\"}}`. "
                + "Each user has 2–4 events with their evaluation (matched with the message, a failing condition with expected and actual, "
                + "or no trigger listening). " + outbox + " of " + OUTBOX_EMAILS + " welcome emails posted to the runner reached the outbox "
                + "within 60 s (the outbox screen lists what is there).");

        md.h2("Each screen's API calls, as the page makes them");
        md.p("1 cold run (the runner's first request of each route) and " + warm + " warm runs per screen, each with other ids "
                + "(users, messages, triggers, templates). `→` is a call awaited before the next, `∥` calls made at once. "
                + "\"missing\" = the router answered 404 \"no route\": this build lacks the route.");
        List<List<String>> rows = new ArrayList<>();
        for (ScreenTimes t : screens) {
            double[] w = warm(t).stream().mapToDouble(ApiTiming.ScreenRun::millis).toArray();
            double cold = t.runs().get(0).millis();
            String missing = missing(t);
            boolean met = missing.isEmpty() && cold <= BUDGET_MILLIS && max(w) <= BUDGET_MILLIS && t.runs().stream().noneMatch(ApiTiming.ScreenRun::failed);
            rows.add(List.of(t.screen(), t.requests(), ms(cold), ms(median(w)), ms(max(w)),
                    missing.isEmpty() ? Markdown.verdict(met) : "**missing** (" + missing + ")"));
        }
        md.table(List.of("screen", "requests", "cold", "warm median", "warm max", "≤ 1 s"), rows);

        md.h2("Per request");
        Map<String, List<ApiTiming.Call>> byLabel = new LinkedHashMap<>();
        Map<String, Double> coldByLabel = new LinkedHashMap<>();
        for (ScreenTimes t : screens) {
            for (int i = 0; i < t.runs().size(); i++) {
                for (ApiTiming.Call c : t.runs().get(i).calls()) {
                    byLabel.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c);
                    if (i == 0) {
                        coldByLabel.putIfAbsent(c.label(), c.millis());
                    }
                }
            }
        }
        List<List<String>> requestRows = new ArrayList<>();
        byLabel.forEach((label, calls) -> {
            double[] all = calls.stream().mapToDouble(ApiTiming.Call::millis).toArray();
            boolean missing = calls.stream().anyMatch(ApiTiming.Call::missing);
            String statuses = calls.stream().map(c -> Integer.toString(c.status())).collect(Collectors.toCollection(TreeSet::new)).toString();
            requestRows.add(List.of("`" + label + "`", Integer.toString(calls.size()), ms(coldByLabel.getOrDefault(label, Double.NaN)),
                    ms(median(all)), ms(max(all)), statuses, missing ? "**missing**" : Markdown.verdict(max(all) <= BUDGET_MILLIS)));
        });
        md.table(List.of("request", "calls", "first (cold)", "median", "max", "statuses", "≤ 1 s"), requestRows);

        md.h2("First load");
        md.p("`GET /ui/` and every asset it names, and every module those import, each with `Accept-Encoding: gzip`, as a browser with an "
                + "empty cache fetches them. Transferred = bodies as sent + status line and headers. Budget: " + FirstLoad.BUDGET_BYTES / 1024 + " KB.");
        List<List<String>> loadRows = new ArrayList<>();
        for (FirstLoad.Resource r : firstLoad.resources()) {
            loadRows.add(List.of("`" + r.path() + "`", Integer.toString(r.status()), r.encoding(), String.format("%,d", r.bodyBytes()),
                    String.format("%,d", r.headerBytes()), String.format("%,d", r.decodedBytes())));
        }
        loadRows.add(List.of("**total** (" + firstLoad.resources().size() + " resources)", "", "",
                String.format("%,d", firstLoad.resources().stream().mapToLong(FirstLoad.Resource::bodyBytes).sum()),
                String.format("%,d", firstLoad.resources().stream().mapToLong(FirstLoad.Resource::headerBytes).sum()),
                String.format("%,d", firstLoad.decoded())));
        md.table(List.of("resource", "status", "encoding", "body bytes sent", "header bytes", "decoded bytes"), loadRows);
        md.p(String.format("**%,d bytes (%.1f KB) transferred** — %s (≤ 250 KB).", firstLoad.transferred(), firstLoad.transferred() / 1024.0,
                Markdown.verdict(firstLoad.met())));

        md.h2("In a real browser");
        md.p(browserNote + " Signed in through session storage (`nudge.apiKey`), then each deep link opened as a full page load; "
                + "timed from the navigation's start to `#content` holding no `.loading` (`performance.now()` in the page, read by a "
                + "MutationObserver). The first run of each link is cold (the browser's first load of the console's assets came before it, "
                + "on the sign-in).");
        List<List<String>> browserRows = new ArrayList<>();
        Map<String, String> missingRoutes = new LinkedHashMap<>();
        screens.forEach(t -> missingRoutes.put(t.screen(), missing(t)));
        for (BrowserTimes t : browser) {
            double[] ok = t.runs().stream().filter(s -> s.error().isEmpty()).mapToDouble(BrowserTiming.Shown::millis).toArray();
            double[] warmOk = t.runs().stream().skip(1).filter(s -> s.error().isEmpty()).mapToDouble(BrowserTiming.Shown::millis).toArray();
            String error = t.runs().stream().map(BrowserTiming.Shown::error).filter(e -> !e.isEmpty()).findFirst().orElse("");
            BrowserTiming.Shown cold = t.runs().get(0);
            browserRows.add(List.of(t.screen(), "`" + t.link() + "`", cold.error().isEmpty() ? ms(cold.millis()) : "—",
                    warmOk.length == 0 ? "—" : ms(median(warmOk)), warmOk.length == 0 ? "—" : ms(max(warmOk)),
                    ok.length + " of " + t.runs().size(), !missingRoutes.getOrDefault(t.screen(), "").isEmpty()
                            ? "**missing** (" + missingRoutes.get(t.screen()) + "; the page shows what it shows without it)"
                            : error.isEmpty() ? Markdown.verdict(max(ok) <= BUDGET_MILLIS) : "**failed**: " + error));
        }
        if (!browserRows.isEmpty()) {
            md.table(List.of("screen", "deep link (first run)", "cold", "warm median", "warm max", "shown", "≤ 1 s"), browserRows);
        }
        md.write(options.out().resolve("console.md"));
    }

    private static List<ApiTiming.ScreenRun> warm(ScreenTimes t) {
        return t.runs().subList(1, t.runs().size());
    }

    private static String missing(ScreenTimes t) {
        return t.runs().stream().flatMap(r -> r.calls().stream()).filter(ApiTiming.Call::missing).map(ApiTiming.Call::label)
                .distinct().collect(Collectors.joining(", "));
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "—" : Markdown.num(millis) + " ms";
    }

    private static String seg(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
