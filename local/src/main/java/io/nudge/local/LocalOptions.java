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
        boolean replay) {

    enum Channels { OUTBOX, AWS }

    /** The switch that hands every stream batch, Scheduler invocation and SNS notification over twice (tests). */
    static final String REPLAY = "NUDGE_REPLAY";

    /** Without injected provider faults, default load shedding, no replay. */
    LocalOptions(Path dataDir, boolean inMemory, String host, int port, Optional<Path> configDir, Channels channels,
            Optional<String> apiKey, String emailFrom, Duration sweepGrace, Clock clock) {
        this(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock, Optional.empty(),
                LoadShedding.defaults(), false);
    }

    static LocalOptions defaults() {
        Path examples = Path.of("examples");
        return new LocalOptions(Path.of(".nudge"), false, "127.0.0.1", 3000,
                Files.isDirectory(examples) ? Optional.of(examples) : Optional.empty(),
                Channels.OUTBOX, Optional.ofNullable(System.getenv("NUDGE_API_KEY")).filter(k -> !k.isBlank()),
                Optional.ofNullable(System.getenv("NUDGE_EMAIL_FROM")).filter(k -> !k.isBlank()).orElse("Nudge <hello@nudge.local>"),
                Duration.ofSeconds(60), Clock.systemUTC(), ProviderFaults.parse(System.getenv(ProviderFaults.ENV)),
                LoadShedding.fromEnvironment(System.getenv()), "true".equalsIgnoreCase(System.getenv(REPLAY)));
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
                    o = new LocalOptions(o.dataDir, o.inMemory, o.host, o.port, o.configDir, o.channels, o.apiKey, o.emailFrom,
                            grace, o.clock, o.providerFaults, o.shedding, o.replay);
                }
                case "--replay" -> o = o.withReplay(true);
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + NudgeLocal.USAGE);
            }
        }
        return o;
    }

    private LocalOptions with(Path dataDir, boolean inMemory, int port, Optional<Path> configDir, Channels channels) {
        return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock, providerFaults, shedding, replay);
    }

    LocalOptions withProviderFaults(Optional<ProviderFaults> faults) {
        return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock, faults, shedding, replay);
    }

    LocalOptions withShedding(LoadShedding limits) {
        return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock, providerFaults, limits, replay);
    }

    LocalOptions withReplay(boolean on) {
        return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, apiKey, emailFrom, sweepGrace, clock, providerFaults, shedding, on);
    }

    LocalOptions withPort(int newPort) {
        return with(dataDir, inMemory, newPort, configDir, channels);
    }

    LocalOptions withConfig(Optional<Path> dir) {
        return with(dataDir, inMemory, port, dir, channels);
    }

    LocalOptions withApiKey(Optional<String> key) {
        return new LocalOptions(dataDir, inMemory, host, port, configDir, channels, key, emailFrom, sweepGrace, clock, providerFaults, shedding, replay);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
