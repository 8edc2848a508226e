package io.nudge.local;

import io.nudge.aws.AwsClients;
import io.nudge.keys.ApiKeyStore;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** `java -jar nudge-local.jar [options]` runs Nudge locally; `create-key` makes the first key of a deployment. */
public final class NudgeLocal {
    static final String USAGE = """
            usage: java -jar local/target/nudge-local.jar [options]
              --data-dir DIR     where data, the outbox and the admin key live (default ./.nudge)
              --in-memory        keep the database in memory (the outbox still goes to the data folder)
              --port N           HTTP port on 127.0.0.1 (default 3000)
              --config DIR       load templates/*.json and triggers/*.json (default ./examples when present)
              --channels outbox|aws   write messages to <data>/outbox (default) or send through SES/SNS
                                      (endpoints from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> when set), with
                                      deliver's settings on Lambda: NUDGE_EMAIL_FROM, NUDGE_SES_CONFIGURATION_SET,
                                      NUDGE_SMS_SENDER_ID, NUDGE_SMS_ORIGINATION_NUMBER, NUDGE_PUSH_APP_ARN_*
              --provider-faults SPEC  put a misbehaving provider in front of the channels, e.g.
                                      throttle=0.2,connect_timeout=0.05,timeout=0.05,permanent=0.02,seed=42 (shares
                                      of send attempts; throttles and connect timeouts are retried, a timeout after
                                      sending ends UNKNOWN and is never resent, permanent ends FAILED); 'off' disables
              --sweep-grace DUR  how old a claim (SENDING) or a READY message gets before the sweep acts (default PT60S)
              --dynamodb-port N  also serve DynamoDB Local over HTTP on 127.0.0.1:N (0: a free port) for tools, and
                                 use it over HTTP (slower); by default it runs embedded, with no port
              --replay           test switch: hand every stream batch, Scheduler invocation and SNS notification over
                                 twice, out of order (also NUDGE_REPLAY=true)
            environment: NUDGE_API_KEY (an admin key honoured on every start), NUDGE_EMAIL_FROM, NUDGE_REPLAY,
                         NUDGE_PROVIDER_FAULTS (as --provider-faults),
                         NUDGE_HTTP_MAX_CONCURRENT (32), NUDGE_HTTP_MAX_QUEUED (128), NUDGE_HTTP_MAX_WAIT_MS (1000):
                         past them a request is answered 429 with Retry-After instead of waiting in an unbounded queue

            usage: java -jar local/target/nudge-local.jar create-key --table API_KEYS_TABLE [--name NAME] [--scope admin|ingest]
              writes only the key's SHA-256 to the deployed ApiKeys table with your AWS credentials
              (AWS_REGION / AWS_PROFILE as usual) and prints the key once.""";

    private NudgeLocal() {}

    public static void main(String[] args) throws Exception {
        try {
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
                System.out.println(USAGE);
                return;
            }
            if (args.length > 0 && args[0].equals("create-key")) {
                createKey(args);
                return;
            }
            run(LocalOptions.parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("nudge: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(LocalOptions options) throws Exception {
        long started = System.nanoTime();
        LocalRunner runner = LocalRunner.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("nudge: stopping");
            runner.faults().ifPresent(f -> System.out.println("nudge: provider faults: " + f.summary()));
            runner.close();
            stopped.countDown();
        }, "shutdown"));
        String url = "http://" + options.host() + ":" + runner.port();
        System.out.println();
        System.out.printf("nudge: ready in %d ms on %s  (data: %s%s)%n", (System.nanoTime() - started) / 1_000_000, url,
                options.dataDir().toAbsolutePath(), (options.inMemory() ? ", database in memory" : "")
                        + (options.replay() ? ", REPLAY: every delivery twice" : ""));
        System.out.println("nudge: outbox " + runner.outbox());
        runner.faults().ifPresent(f -> System.out.println("nudge: provider faults injected: " + f.faults()));
        if (!options.webhooks().allowed().isEmpty()) {
            System.out.println("nudge: webhooks may also reach " + String.join(", ", options.webhooks().allowed())
                    + " (plain http and private addresses; " + io.nudge.channel.webhook.WebhookDestinations.ALLOW_HOSTS_ENV + ")");
        }
        runner.dynamoEndpoint()
                .ifPresent(endpoint -> System.out.println("nudge: dynamodb " + endpoint + "  (DynamoDB Local, for tools such as bench/)"));
        runner.generatedKey().ifPresentOrElse(
                key -> System.out.println("nudge: admin API key (shown once, also saved to "
                        + options.dataDir().resolve("admin-key") + "):\n\n    " + key + "\n"),
                () -> System.out.println("nudge: admin API key: " + (options.apiKey().isPresent()
                        ? "NUDGE_API_KEY" : "the one in " + options.dataDir().resolve("admin-key"))));
        System.out.println("nudge: try  curl " + url + "/health   (Ctrl-C stops)");
        stopped.await();
    }

    private static void createKey(String[] args) {
        String table = null;
        String name = "admin";
        Scope scope = Scope.ADMIN;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--table" -> table = next(args, ++i);
                case "--name" -> name = next(args, ++i);
                case "--scope" -> {
                    String v = next(args, ++i);
                    scope = Scope.fromWire(v).orElseThrow(() -> new IllegalArgumentException("--scope is admin or ingest, not " + v));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (table == null) {
            throw new IllegalArgumentException("create-key needs --table (the ApiKeysTable output of your stack)");
        }
        Map<String, String> env = System.getenv();
        ApiKeys keys = new ApiKeys(new ApiKeyStore(AwsClients.dynamoDb(env), table), Clock.systemUTC());
        ApiKeys.Created created = keys.create(name, scope);
        System.out.println("Created " + scope.wire() + " key " + created.key().id() + " (" + name + "). It is shown once:");
        System.out.println();
        System.out.println("    " + created.secret());
    }

    private static String next(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
