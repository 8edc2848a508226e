package io.nudge.local;

import io.nudge.channel.faults.ProviderFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The local runner's settings, from the command line. */
record LocalOptions(
        Path dataDir,
        boolean inMemory,
        String host,
        int port,
        Optional<Path> configDir,
        Channels channels,
        Optional<String> apiKey,
        String emailFrom,
        Duration sweepGrace,
        Clock clock,
        Optional<ProviderFaults> providerFaults,
        LoadShedding shedding,
        boolean replay,
        Optional<Integer> dynamoPort,
        io.nudge.channel.webhook.WebhookDestinations webhooks) {

    enum Channels { OUTBOX, AWS }

    /** The switch that hands every stream batch, Scheduler invocation and SNS notification over twice (tests). */
    static final String REPLAY = "NUDGE_REPLAY";

    /** Every setting at its default; set the ones that differ, then {@link Builder#build()} checks them all. */
    static Builder builder() {
        return new Builder();
    }

    Builder toBuilder() {
        return new Builder().dataDir(dataDir).inMemory(inMemory).host(host).port(port).configDir(configDir).channels(channels)
                .apiKey(apiKey).emailFrom(emailFrom).sweepGrace(sweepGrace).clock(clock).providerFaults(providerFaults)
                .shedding(shedding).replay(replay).dynamoPort(dynamoPort).webhooks(webhooks);
    }

    /**
     * The settings by name. Defaults: data in {@code .nudge} on disk, 127.0.0.1:3000, no config folder, outbox channels,
     * no admin key, {@code Nudge <hello@nudge.local>}, a 60-second sweep grace, the UTC system clock, no provider faults,
     * default load shedding, no replay, DynamoDB Local embedded (no HTTP port). {@link #build()} rejects a bad value with a message naming the setting.
     */
    static final class Builder {
        private Path dataDir = Path.of(".nudge");
        private boolean inMemory;
        private String host = "127.0.0.1";
        private int port = 3000;
        private Optional<Path> configDir = Optional.empty();
        private Channels channels = Channels.OUTBOX;
        private Optional<String> apiKey = Optional.empty();
        private String emailFrom = "Nudge <hello@nudge.local>";
        private Duration sweepGrace = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Optional<ProviderFaults> providerFaults = Optional.empty();
        private LoadShedding shedding = LoadShedding.defaults();
        private io.nudge.channel.webhook.WebhookDestinations webhooks = io.nudge.channel.webhook.WebhookDestinations.none();
        private boolean replay;
        private Optional<Integer> dynamoPort = Optional.empty();

        private Builder() {}

        Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        Builder inMemory(boolean value) {
            inMemory = value;
            return this;
        }

        Builder host(String value) {
            host = value;
            return this;
        }

        /** 0 picks a free port. */
        Builder port(int value) {
            port = value;
            return this;
        }

        Builder configDir(Optional<Path> value) {
            configDir = value;
            return this;
        }

        Builder channels(Channels value) {
            channels = value;
            return this;
        }

        Builder apiKey(String value) {
            return apiKey(Optional.ofNullable(value));
        }

        Builder apiKey(Optional<String> value) {
            apiKey = value;
            return this;
        }

        Builder emailFrom(String value) {
            emailFrom = value;
            return this;
        }

        Builder sweepGrace(Duration value) {
            sweepGrace = value;
            return this;
        }

        Builder clock(Clock value) {
            clock = value;
            return this;
        }

        Builder providerFaults(Optional<ProviderFaults> value) {
            providerFaults = value;
            return this;
        }

        /** Where webhooks may go: NUDGE_WEBHOOK_ALLOW_HOSTS by default; nothing allow-listed when unset. */
        Builder webhooks(io.nudge.channel.webhook.WebhookDestinations value) {
            webhooks = value;
            return this;
        }

        Builder shedding(LoadShedding value) {
            shedding = value;
            return this;
        }

        Builder replay(boolean value) {
            replay = value;
            return this;
        }

        /** Serve DynamoDB Local over HTTP on this port (0: a free one) and use it through HTTP clients. */
        Builder dynamoPort(Optional<Integer> value) {
            dynamoPort = value;
            return this;
        }

        LocalOptions build() {
            require(dataDir, "dataDir");
            require(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, not " + port);
            }
            require(configDir, "configDir");
            require(channels, "channels");
            require(apiKey, "apiKey");
            if (apiKey.isPresent() && apiKey.get().isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank (leave it empty for a generated key)");
            }
            require(emailFrom, "emailFrom");
            if (emailFrom.isBlank()) {
                throw new IllegalArgumentException("emailFrom must not be blank");
            }
            require(sweepGrace, "sweepGrace");
            if (sweepGrace.isNegative() || sweepGrace.isZero()) {
                throw new IllegalArgumentException("sweepGrace must be positive, not " + sweepGrace);
            }
            require(clock, "clock");
            require(providerFaults, "providerFaults");
            require(shedding, "shedding");
            require(webhooks, "webhooks");
            require(dynamoPort, "dynamoPort");
            if (dynamoPort.isPresent() && (dynamoPort.get() < 0 || dynamoPort.get() > 65_535)) {
                throw new IllegalArgumentException("dynamoPort must be 0 (any free port) to 65535, not " + dynamoPort.get());
            }
            return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock,
                    providerFaults, shedding, replay, dynamoPort, webhooks);
        }

        private static void require(Object value, String setting) {
            if (value == null) {
                throw new IllegalArgumentException(setting + " is required");
            }
        }
    }

    static LocalOptions defaults() {
        Path examples = Path.of("examples");
        Builder defaults = builder()
                .configDir(Files.isDirectory(examples) ? Optional.of(examples) : Optional.empty())
                .apiKey(Optional.ofNullable(System.getenv("NUDGE_API_KEY")).filter(k -> !k.isBlank()))
                .providerFaults(ProviderFaults.parse(System.getenv(ProviderFaults.ENV)))
                .shedding(LoadShedding.fromEnvironment(System.getenv()))
                .replay("true".equalsIgnoreCase(System.getenv(REPLAY)))
                .webhooks(io.nudge.channel.webhook.WebhookDestinations.fromEnvironment(System.getenv()));
        Optional.ofNullable(System.getenv("NUDGE_EMAIL_FROM")).filter(k -> !k.isBlank()).ifPresent(defaults::emailFrom);
        return defaults.build();
    }

    static LocalOptions parse(String[] args) {
        LocalOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--data-dir" -> o = o.with(Path.of(value(args, ++i, arg)), o.inMemory, o.port, o.configDir, o.channels);
                case "--in-memory" -> o = o.with(o.dataDir, true, o.port, o.configDir, o.channels);
                case "--port" -> {
                    String v = value(args, ++i, arg);
                    try {
                        o = o.with(o.dataDir, o.inMemory, Integer.parseInt(v), o.configDir, o.channels);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs a number, not '" + v + "'");
                    }
                }
                case "--config" -> {
                    Path dir = Path.of(value(args, ++i, arg));
                    if (!Files.isDirectory(dir)) {
                        throw new IllegalArgumentException("--config " + dir + " is not a folder");
                    }
                    o = o.with(o.dataDir, o.inMemory, o.port, Optional.of(dir), o.channels);
                }
                case "--channels" -> {
                    String v = value(args, ++i, arg);
                    Channels channels = switch (v) {
                        case "outbox" -> Channels.OUTBOX;
                        case "aws" -> Channels.AWS;
                        default -> throw new IllegalArgumentException("--channels is outbox or aws, not '" + v + "'");
                    };
                    o = o.with(o.dataDir, o.inMemory, o.port, o.configDir, channels);
                }
                case "--provider-faults" -> o = o.withProviderFaults(ProviderFaults.parse(value(args, ++i, arg)));
                case "--sweep-grace" -> {
                    String v = value(args, ++i, arg);
                    Duration grace;
                    try {
                        grace = Duration.parse(v);
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new IllegalArgumentException("--sweep-grace needs an ISO-8601 duration such as PT60S, not '" + v + "'");
                    }
                    if (grace.isNegative() || grace.isZero()) {
                        throw new IllegalArgumentException("--sweep-grace must be positive");
                    }
                    o = o.toBuilder().sweepGrace(grace).build();
                }
                case "--replay" -> o = o.withReplay(true);
                case "--dynamodb-port" -> {
                    String v = value(args, ++i, arg);
                    try {
                        o = o.toBuilder().dynamoPort(Optional.of(Integer.parseInt(v))).build();
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--dynamodb-port needs a number, not '" + v + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + NudgeLocal.USAGE);
            }
        }
        return o;
    }

    private LocalOptions with(Path dataDir, boolean inMemory, int port, Optional<Path> configDir, Channels channels) {
        return toBuilder().dataDir(dataDir).inMemory(inMemory).port(port).configDir(configDir).channels(channels).build();
    }

    LocalOptions withProviderFaults(Optional<ProviderFaults> faults) {
        return toBuilder().providerFaults(faults).build();
    }

    LocalOptions withShedding(LoadShedding limits) {
        return toBuilder().shedding(limits).build();
    }

    LocalOptions withReplay(boolean on) {
        return toBuilder().replay(on).build();
    }

    LocalOptions withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    LocalOptions withConfig(Optional<Path> dir) {
        return toBuilder().configDir(dir).build();
    }

    LocalOptions withApiKey(Optional<String> key) {
        return toBuilder().apiKey(key).build();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
