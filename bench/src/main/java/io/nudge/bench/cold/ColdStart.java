package io.nudge.bench.cold;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.aws.AwsClients;
import io.nudge.bench.Bench;
import io.nudge.bench.FakeProviders;
import io.nudge.bench.Fixture;
import io.nudge.bench.LocalDynamoServer;
import io.nudge.bench.report.Chart;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import io.nudge.config.Tables;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.store.TableDefinitions;
import io.nudge.unsubscribe.KeyRing;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.wiring.Services;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * `bench/run cold`: each function jar in a fresh JVM (Lambda's java21 flags: C1 only, serial GC) against DynamoDB Local
 * and fake SES/Scheduler endpoints — time to the first handled invocation, the classes it loaded, the jar's size and
 * what fills it; then the same with the CRaC priming hook run before the first invocation.
 */
public final class ColdStart {
    static final double TARGET_MILLIS = 1500;
    static final double TARGET_JAR_MB = 20;
    private static final String KEY = "cold-bench-admin-key-0123456789";
    private static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx870m", "-Xshare:auto");

    record Function(String name, String handler, String kind) {}

    static final List<Function> FUNCTIONS = List.of(
            new Function("ingest-api", "io.nudge.functions.ingest.IngestApiHandler", "http"),
            new Function("evaluate-triggers", "io.nudge.functions.evaluate.EvaluateTriggersHandler", "stream"),
            new Function("deliver", "io.nudge.functions.deliver.DeliverHandler", "stream"),
            new Function("schedule-sends", "io.nudge.functions.schedule.ScheduleSendsHandler", "bytes"));

    record Run(double main, double init, double prime, double first, double second, double total, int classes,
            Map<String, Integer> classesByGroup, boolean verified, String detail) {}

    record JarInfo(long bytes, int classes, Map<String, long[]> byGroup) {}

    private ColdStart() {}

    public static void run(Bench.Options options) throws Exception {
        Path jars = Optional.ofNullable(System.getProperty("bench.jars")).map(Path::of).orElse(null);
        int repeats = options.quick() ? 1 : 3;
        Path work = Files.createTempDirectory("nudge-cold");
        Path probeJar = probeJar(work);
        try (LocalDynamoServer dynamoServer = LocalDynamoServer.start(options.root()); FakeProviders fake = FakeProviders.start()) {
            DynamoDbClient dynamo = AwsClients.dynamoDbAt(dynamoServer.endpoint());
            Tables tables = Tables.withPrefix("cold-");
            TableDefinitions.createMissing(dynamo, tables);
            KeyRing keys = UnsubscribeLinks.randomKeys();
            String keyRing = "k1:" + Base64.getEncoder().encodeToString(keys.keys().values().iterator().next());
            Services services = new Services(dynamo, tables, Clock.systemUTC(), Duration.ofSeconds(60),
                    new UnsubscribeLinks(new UnsubscribeTokens(KeyRing.parse(keyRing)), () -> "https://nudge.example"));
            services.apiKeys().register(KEY, "cold-bench", Scope.ADMIN);
            Fixture.call(services.api(), KEY, "PUT", "/v1/templates/cold_email", """
                    {"channel":"email","subject":"Welcome, {{ user.attributes.first_name | default: \\"there\\" }}",
                     "html":"<p>Hi {{ user.attributes.first_name }}, thanks for signing up ({{ event.properties.plan }}).</p><a href=\\"{{ unsubscribe_url }}\\">unsubscribe</a>",
                     "text":"Hi {{ user.attributes.first_name }}, thanks for signing up."}""");
            Fixture.call(services.api(), KEY, "PUT", "/v1/triggers/cold_now", """
                    {"event":"cold_signed_up","channel":"email","template":"cold_email","quietHours":"off",
                     "conditions":[{"path":"event.properties.plan","op":"in","value":["pro","team"]}]}""");
            Fixture.call(services.api(), KEY, "PUT", "/v1/triggers/cold_later", """
                    {"event":"cold_later","channel":"email","template":"cold_email","delay":"PT1H","quietHours":"off"}""");

            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("HOME", work.toString());
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "local");
            env.put("AWS_SECRET_ACCESS_KEY", "local");
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoServer.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SESV2", fake.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SNS", fake.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SCHEDULER", fake.endpoint().toString());
            env.put(Tables.USERS, tables.users());
            env.put(Tables.EVENTS, tables.events());
            env.put(Tables.MESSAGES, tables.messages());
            env.put(Tables.DEFINITIONS, tables.definitions());
            env.put(Tables.API_KEYS, tables.apiKeys());
            env.put(Tables.DEAD_LETTERS, tables.deadLetters());
            env.put(Tables.SLOTS, tables.slots());
            env.put(Tables.STATE, tables.state());
            env.put(Tables.SUPPRESSIONS, tables.suppressions());
            env.put(Tables.STATS, tables.stats());
            env.put("NUDGE_SLOT_SECONDS", "60");
            env.put(UnsubscribeLinks.BASE_URL, "https://nudge.example");
            env.put(KeyRing.VARIABLE, keyRing);
            env.put("NUDGE_EMAIL_FROM", "Acme <hello@acme.example>");
            env.put("NUDGE_SES_CONFIGURATION_SET", "nudge");
            env.put("NUDGE_SCHEDULE_GROUP", "nudge");
            env.put("NUDGE_SCHEDULER_ROLE_ARN", "arn:aws:iam::000000000000:role/nudge-scheduler");
            env.put("NUDGE_SCHEDULE_DLQ_ARN", "arn:aws:sqs:us-east-1:000000000000:nudge-slots-dlq");
            env.put("NUDGE_SCHEDULE_TARGET_ARN", "arn:aws:lambda:us-east-1:000000000000:function:schedule-sends:live");
            // ingest-api starts campaign runs (campaigns came after this benchmark was written)
            env.put(io.nudge.wiring.LambdaEnvironment.RUN_CAMPAIGN_FUNCTION, "arn:aws:lambda:us-east-1:000000000000:function:run-campaign");

            Map<String, List<Run>> plain = new LinkedHashMap<>();
            Map<String, List<Run>> primed = new LinkedHashMap<>();
            Map<String, Run> cds = new LinkedHashMap<>();
            Map<String, JarInfo> jarInfo = new LinkedHashMap<>();
            int n = 0;
            for (Function function : FUNCTIONS) {
                Path jar = (jars != null ? jars : options.root().resolve("functions/" + function.name() + "/target")).resolve(function.name() + ".jar");
                jarInfo.put(function.name(), jarInfo(jar));
                if (!options.quick()) {
                    // AppCDS: one training run writes the classes it loaded to an archive, the next run maps them
                    Path archive = work.resolve(function.name() + ".jsa");
                    n++;
                    runOnce(function, false, n, jar, probeJar, work, env, services, fake,
                            List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dprobe.exit=true"));
                    if (Files.isRegularFile(archive)) {
                        n++;
                        Run run = runOnce(function, false, n, jar, probeJar, work, env, services, fake, List.of("-XX:SharedArchiveFile=" + archive));
                        System.out.printf("cold: %-18s AppCDS total %6.0f ms (init %5.0f, first %5.0f)%n", function.name(), run.total(), run.init(), run.first());
                        cds.put(function.name(), run);
                    }
                }
                for (int rep = 0; rep < repeats; rep++) {
                    for (boolean prime : new boolean[] {false, true}) {
                        n++;
                        Run run = runOnce(function, prime, n, jar, probeJar, work, env, services, fake, List.of());
                        System.out.printf("cold: %-18s %-6s total %6.0f ms (init %5.0f, prime %5.0f, first %5.0f, second %4.0f) classes %5d %s%n",
                                function.name(), prime ? "primed" : "plain", run.total(), run.init(), run.prime(), run.first(), run.second(),
                                run.classes(), run.verified() ? "ok" : "NOT VERIFIED " + run.detail());
                        (prime ? primed : plain).computeIfAbsent(function.name(), k -> new ArrayList<>()).add(run);
                    }
                }
            }
            report(options, repeats, plain, primed, cds, jarInfo, jars);
        }
    }

    private static Run runOnce(Function function, boolean prime, int n, Path jar, Path probeJar, Path work, Map<String, String> env,
            Services services, FakeProviders fake, List<String> extraFlags) throws Exception {
        String user = "cold-user-" + n;
        Fixture.call(services.api(), KEY, "PUT", "/v1/users/" + user,
                "{\"email\":\"" + user + "@example.com\",\"timezone\":\"Europe/Berlin\",\"attributes\":{\"first_name\":\"Ada\"}}");
        Path first = work.resolve(function.name() + "-" + n + "-1.json");
        Path second = work.resolve(function.name() + "-" + n + "-2.json");
        List<String> ids = new ArrayList<>();
        long schedulerCallsBefore = fake.calls("scheduler");
        switch (function.name()) {
            case "ingest-api" -> {
                for (int i = 1; i <= 2; i++) {
                    String id = "cold-ingest-" + n + "-" + i;
                    ids.add(id);
                    ObjectNode request = Json.object().put("method", "POST").put("path", "/v1/events")
                            .put("body", "{\"id\":\"" + id + "\",\"userId\":\"" + user + "\",\"name\":\"cold_signed_up\",\"properties\":{\"plan\":\"pro\"}}");
                    request.putObject("headers").put("authorization", "Bearer " + KEY).put("content-type", "application/json");
                    Files.writeString(i == 1 ? first : second, Json.write(request));
                }
            }
            case "evaluate-triggers" -> {
                for (int i = 1; i <= 2; i++) {
                    Event event = event("cold-eval-" + n + "-" + i, user, "cold_signed_up", Instant.now());
                    services.events().putIfAbsent(event);
                    ids.add(Ids.derive("message", "cold_now", event.id()));
                    Files.writeString(i == 1 ? first : second, Fixture.streamEventJson(List.of(services.events().rawItem(event.id()).orElseThrow())));
                }
            }
            case "deliver" -> {
                for (int i = 1; i <= 2; i++) {
                    Event event = event("cold-deliver-" + n + "-" + i, user, "cold_signed_up", Instant.now());
                    services.events().putIfAbsent(event);
                    evaluate(services, event);
                    String id = Ids.derive("message", "cold_now", event.id());
                    ids.add(id);
                    Message message = services.messages().find(id).orElseThrow();
                    Files.writeString(i == 1 ? first : second, Fixture.streamEventJson(List.of(services.messages().toItem(message))));
                }
            }
            case "schedule-sends" -> {
                for (int i = 1; i <= 2; i++) {
                    // each message in its own, new slot, so each invocation creates one schedule
                    Instant at = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(10L * n + 3L * i));
                    Event event = event("cold-later-" + n + "-" + i, user, "cold_later", at);
                    services.events().putIfAbsent(event);
                    evaluate(services, event);
                    String id = Ids.derive("message", "cold_later", event.id());
                    ids.add(id);
                    Message message = services.messages().find(id).orElseThrow();
                    Files.writeString(i == 1 ? first : second, Fixture.streamEventJson(List.of(services.messages().toItem(message))));
                }
            }
            default -> throw new IllegalArgumentException(function.name());
        }
        Path classLog = work.resolve("classes-" + n + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(extraFlags);
        command.add("-Xlog:class+load=info:file=" + classLog);
        command.add("-cp");
        command.add(jar + java.io.File.pathSeparator + probeJar);
        command.add(ColdProbe.class.getName());
        command.addAll(List.of(function.handler(), function.kind(), Boolean.toString(prime), first.toString(), second.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        long spawned = System.nanoTime();
        builder.command().add(Long.toString(spawned));
        Process process = builder.start();
        String line;
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("COLD ")) {
                    result = line;
                } else if (output.length() < 4000) {
                    output.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (result == null) {
            throw new IllegalStateException(function.name() + ": the probe printed no result:\n" + output);
        }
        Map<String, String> values = new HashMap<>();
        for (String part : result.substring(5).split(" ")) {
            int eq = part.indexOf('=');
            values.put(part.substring(0, eq), part.substring(eq + 1));
        }
        boolean verified = switch (function.name()) {
            case "ingest-api" -> values.get("result1").equals("status:202") && services.events().rawItem(ids.get(0)).isPresent();
            case "evaluate-triggers" -> values.get("result1").equals("failures:0") && services.messages().find(ids.get(0)).isPresent();
            case "deliver" -> values.get("result1").equals("failures:0")
                    && services.messages().find(ids.get(0)).map(m -> m.status() == MessageStatus.SENT).orElse(false);
            case "schedule-sends" -> values.get("result1").startsWith("out:") && fake.calls("scheduler") > schedulerCallsBefore;
            default -> false;
        };
        Map<String, Integer> groups = classGroups(classLog);
        int classes = groups.values().stream().mapToInt(Integer::intValue).sum();
        return new Run(d(values, "main"), d(values, "init"), d(values, "prime"), d(values, "first"), d(values, "second"), d(values, "total"),
                classes, groups, verified, values.get("result1") + " " + output.toString().lines().limit(5).toList());
    }

    private static void evaluate(Services services, Event event) {
        var evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        evaluate.evaluate(event);
    }

    private static double d(Map<String, String> values, String key) {
        return Double.parseDouble(values.get(key));
    }

    private static Event event(String id, String userId, String name, Instant timestamp) {
        return new Event(id, userId, name, Json.object().put("plan", "pro"), timestamp, Instant.now());
    }

    /** A jar with only the probe, so nothing else of the benchmark is on the child's class path. */
    private static Path probeJar(Path work) throws IOException {
        Path jar = work.resolve("cold-probe.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            String resource = ColdProbe.class.getName().replace('.', '/') + ".class";
            try (InputStream in = ColdProbe.class.getClassLoader().getResourceAsStream(resource)) {
                out.putNextEntry(new JarEntry(resource));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        return jar;
    }

    static String group(String className) {
        if (className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.")) {
            return "JDK";
        }
        if (className.startsWith("software.amazon.awssdk.services.dynamodb")) {
            return "AWS SDK: DynamoDB client";
        }
        if (className.startsWith("software.amazon.awssdk.services.")) {
            return "AWS SDK: SES/SNS/Scheduler clients";
        }
        if (className.startsWith("software.amazon.awssdk.thirdparty.jackson")) {
            return "AWS SDK: its shaded Jackson";
        }
        if (className.startsWith("software.amazon.awssdk.regions")) {
            return "AWS SDK: regions, partitions";
        }
        if (className.startsWith("software.amazon.awssdk") || className.startsWith("software.amazon.eventstream")) {
            return "AWS SDK: core, auth, HTTP";
        }
        if (className.startsWith("com.fasterxml.jackson")) {
            return "Jackson";
        }
        if (className.startsWith("com.amazonaws.services.lambda")) {
            return "aws-lambda-java-core/events";
        }
        if (className.startsWith("org.joda")) {
            return "Joda-Time (via lambda-events)";
        }
        if (className.startsWith("liqp") || className.startsWith("liquid") || className.startsWith("org.antlr") || className.startsWith("ua.co.k")) {
            return "Liqp (Liquid) + ANTLR";
        }
        if (className.startsWith("com.google.i18n")) {
            return "libphonenumber";
        }
        if (className.startsWith("io.nudge.bench")) {
            return "probe";
        }
        if (className.startsWith("io.nudge")) {
            return "Nudge";
        }
        return "other (slf4j, reactive-streams, crac, …)";
    }

    private static final Pattern CLASS_LOAD = Pattern.compile("\\[class,load\\s*\\] (\\S+) source:");

    /** Counts -Xlog:class+load lines by where the class comes from (hidden classes count with their host package). */
    private static Map<String, Integer> classGroups(Path log) throws IOException {
        Map<String, Integer> groups = new TreeMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = CLASS_LOAD.matcher(line);
            if (m.find()) {
                String group = group(m.group(1));
                if (!group.equals("probe")) {
                    groups.merge(group, 1, Integer::sum);
                }
            }
        }
        return groups;
    }

    /** The jar's compressed bytes and class count by dependency. */
    private static JarInfo jarInfo(Path jar) throws IOException {
        Map<String, long[]> byGroup = new TreeMap<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                String group = name.endsWith(".class") ? group(name.replace('/', '.')) : resourceGroup(name);
                long[] totals = byGroup.computeIfAbsent(group, k -> new long[2]);
                totals[0] += entry.getCompressedSize();
                if (name.endsWith(".class")) {
                    totals[1]++;
                    classes++;
                }
            }
        }
        return new JarInfo(Files.size(jar), classes, byGroup);
    }

    private static String resourceGroup(String name) {
        if (name.startsWith("com/google/i18n")) {
            return "libphonenumber";
        }
        if (name.startsWith("org/joda")) {
            return "Joda-Time (via lambda-events)";
        }
        if (name.startsWith("software/amazon/awssdk/regions") || name.contains("partitions")) {
            return "AWS SDK: regions, partitions";
        }
        if (name.startsWith("software/amazon/awssdk/services/dynamodb")) {
            return "AWS SDK: DynamoDB client";
        }
        if (name.startsWith("software/amazon/awssdk/services")) {
            return "AWS SDK: SES/SNS/Scheduler clients";
        }
        if (name.startsWith("software/amazon/awssdk")) {
            return "AWS SDK: core, auth, HTTP";
        }
        return "resources (META-INF, licences, …)";
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }

    private static void report(Bench.Options options, int repeats, Map<String, List<Run>> plain, Map<String, List<Run>> primed,
            Map<String, Run> cds, Map<String, JarInfo> jars, Path alternateJars) {
        Markdown md = new Markdown().h1("Cold start: fresh JVM to first invocation");
        md.p("Command: `bench/run cold" + (options.quick() ? " --quick" : "") + "`" + (alternateJars == null ? "" : " with -Dbench.jars=" + alternateJars)
                + ". Machine: " + Machine.describe() + ".");
        md.p("Each function jar runs in a fresh JVM with Lambda's java21 defaults (`" + String.join(" ", JVM_FLAGS) + "`; C1 only and serial GC "
                + "are what Lambda sets for java17/java21, per docs.aws.amazon.com/lambda/latest/dg/java-customization.html) and nothing but a "
                + "one-class probe beside the jar on the class path. The probe calls the handler's no-argument constructor (environment, "
                + "clients, wiring — Lambda's init phase), then invokes it twice with real payloads against DynamoDB Local in the "
                + "benchmark's process and fake SES/Scheduler endpoints (AWS_ENDPOINT_URL_*): ingest-api a POST /v1/events, "
                + "evaluate-triggers an Events stream INSERT that matches a trigger, deliver a READY message (claim, guards, render, "
                + "SES SendEmail, SENT), schedule-sends a SCHEDULED message in a new slot (slot put, CreateSchedule). Every first "
                + "invocation is checked in the database afterwards. **Total** = from spawning the JVM to the first invocation's "
                + "return (JVM start + init + first call); median of " + repeats + " run(s). Lambda's own runtime client and event "
                + "deserialisation are not in the jar and not measured; Lambda at 1,024 MB has about 0.6 vCPU, this machine 2 cores.");
        List<List<String>> rows = new ArrayList<>();
        boolean allMet = true;
        for (Function f : FUNCTIONS) {
            List<Run> p = plain.get(f.name());
            List<Run> q = primed.get(f.name());
            JarInfo jar = jars.get(f.name());
            double total = median(p, Run::total);
            allMet &= total <= TARGET_MILLIS && jar.bytes() / 1e6 <= TARGET_JAR_MB;
            rows.add(List.of("`" + f.name() + "`", Markdown.fixed(jar.bytes() / 1e6, 1) + " MB", Integer.toString(jar.classes()),
                    Markdown.num(median(p, Run::main)), Markdown.num(median(p, Run::init)), Markdown.num(median(p, Run::first)),
                    "**" + Markdown.num(total) + "**", Integer.toString((int) median(p, Run::classes)),
                    Markdown.num(median(p, Run::second)),
                    Markdown.num(median(q, Run::prime)), "**" + Markdown.num(median(q, Run::first)) + "**",
                    Integer.toString((int) median(q, Run::classes)),
                    p.stream().allMatch(Run::verified) && q.stream().allMatch(Run::verified) ? "yes" : "**no**"));
        }
        md.h2("Results (ms)");
        md.table(List.of("function", "jar", "classes in jar", "JVM start → main", "init (constructor)", "first invocation", "total to first response",
                "classes loaded", "second invocation", "priming hook", "first invocation after priming", "classes loaded (primed)", "verified"), rows);
        md.h2("Targets");
        List<List<String>> targets = new ArrayList<>();
        for (Function f : FUNCTIONS) {
            double total = median(plain.get(f.name()), Run::total);
            double mb = jars.get(f.name()).bytes() / 1e6;
            targets.add(List.of("`" + f.name() + "`", Markdown.num(total) + " ms " + (total <= TARGET_MILLIS ? "≤" : ">") + " 1,500 ms",
                    Markdown.verdict(total <= TARGET_MILLIS), Markdown.fixed(mb, 1) + " MB " + (mb <= TARGET_JAR_MB ? "≤" : ">") + " 20 MB",
                    Markdown.verdict(mb <= TARGET_JAR_MB)));
        }
        md.table(List.of("function", "first invocation in a fresh JVM", "verdict", "jar size", "verdict"), targets);
        md.h2("Priming (org.crac)");
        md.p("Every handler's no-argument constructor registers `io.nudge.wiring.Priming` with `org.crac.Core.getGlobalContext()`; its "
                + "`beforeCheckpoint` makes one consistent DynamoDB GetItem of a key that never exists (client marshalling, signing, "
                + "HTTP; writes nothing), parses and evaluates a trigger against a stream-image event (Jackson, the trigger engine), "
                + "parses and renders an email and an SMS template (Liqp), and does nothing on restore. These JDKs have no CRaC, "
                + "so `org.crac` registration is a no-op here: the benchmark runs the hook itself (`Priming.primeAll()`) in the fresh "
                + "JVM before the first invocation. The comparison that matters is first invocation without priming vs after it; on "
                + "SnapStart the init and priming happen before the snapshot, and the restore time itself (plus the time for the "
                + "restored JVM to reconnect) **cannot be measured here**.");
        if (!cds.isEmpty()) {
            md.h2("What would bring the cold start under 1.5 s without SnapStart: a class-data archive (AppCDS)");
            md.p("Most of the cold start is loading and initialising ~4,600–5,900 classes (table below), about 60% of them from "
                    + "the jar, and the AWS SDK is the largest share (its client builder alone loads ~400 region and service-metadata "
                    + "classes). One training run per jar with `-XX:ArchiveClassesAtExit`, then a fresh JVM with "
                    + "`-XX:SharedArchiveFile` (one run each):");
            List<List<String>> cdsRows = new ArrayList<>();
            for (Function f : FUNCTIONS) {
                Run run = cds.get(f.name());
                if (run != null) {
                    double total = median(plain.get(f.name()), Run::total);
                    cdsRows.add(List.of("`" + f.name() + "`", Markdown.num(total), Markdown.num(run.total()), Markdown.num(run.init()),
                            Markdown.num(run.first()), Markdown.verdict(run.total() <= TARGET_MILLIS)));
                }
            }
            md.table(List.of("function", "total today (ms)", "total with AppCDS (ms)", "init", "first invocation", "≤ 1,500 ms"), cdsRows);
            md.p("On Lambda this means shipping the archive in the package and pointing `JAVA_TOOL_OPTIONS` at it; the archive "
                    + "is only valid for the exact JDK build it was made with (the managed runtime's Corretto), so it has to be "
                    + "created in that runtime (a build step in the Lambda image or a SAM build container). That is a change to "
                    + "the build and template.yaml, not made here; SnapStart with the priming hook above is the supported route.");
        }
        md.h2("What fills each jar, and what the first invocation loads");
        for (Function f : FUNCTIONS) {
            JarInfo jar = jars.get(f.name());
            Map<String, Integer> loaded = plain.get(f.name()).get(0).classesByGroup();
            Map<String, Integer> loadedPrimed = primed.get(f.name()).get(0).classesByGroup();
            List<List<String>> lines = new ArrayList<>();
            java.util.Set<String> groups = new java.util.TreeSet<>(jar.byGroup().keySet());
            groups.addAll(loaded.keySet());
            groups.stream().sorted((a, b) -> Long.compare(size(jar, b), size(jar, a))).forEach(g -> lines.add(List.of(g,
                    Markdown.fixed(size(jar, g) / 1e6, 2) + " MB", Long.toString(jar.byGroup().getOrDefault(g, new long[2])[1]),
                    Integer.toString(loaded.getOrDefault(g, 0)), Integer.toString(loadedPrimed.getOrDefault(g, 0)))));
            md.p("**" + f.name() + "** (" + Markdown.fixed(jar.bytes() / 1e6, 1) + " MB, " + jar.classes() + " classes):");
            md.table(List.of("dependency", "compressed", "classes in jar", "classes loaded to first response", "… with priming"), lines);
        }
        md.image("chart", "cold.png");
        md.write(options.out().resolve("cold.md"));

        Chart chart = new Chart("Cold start: fresh JVM → first response (ms), " + Machine.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        List<Chart.Bar> totals = new ArrayList<>();
        List<Chart.Bar> firsts = new ArrayList<>();
        for (Function f : FUNCTIONS) {
            double total = median(plain.get(f.name()), Run::total);
            totals.add(new Chart.Bar(f.name(), total, Markdown.num(total) + " ms", 0));
            double first = median(plain.get(f.name()), Run::first);
            double primedFirst = median(primed.get(f.name()), Run::first);
            firsts.add(new Chart.Bar(f.name() + ", no priming", first, Markdown.num(first) + " ms", 1));
            firsts.add(new Chart.Bar(f.name() + ", after priming", primedFirst, Markdown.num(primedFirst) + " ms", 2));
        }
        chart.panel(Chart.Panel.of("JVM start + init + first invocation", totals).withTarget(TARGET_MILLIS, "target 1,500 ms"));
        chart.panel(Chart.Panel.of("first invocation alone: without and after the CRaC priming hook", firsts));
        chart.write(options.out().resolve("cold.png"));
        System.out.println(md);
    }

    private static long size(JarInfo jar, String group) {
        return jar.byGroup().getOrDefault(group, new long[2])[0];
    }
}
