package io.nudge.channel.webhook;

import io.nudge.channel.SendOutcome;
import io.nudge.channel.WebhookRequest;
import io.nudge.channel.WebhookSender;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Posts webhook messages with the JDK's HTTP client: the destination checked first ({@link WebhookDestinations}),
 * redirects not followed, 10 s to connect and 10 s for the answer, every attempt with the message id as its
 * {@code Idempotency-Key} and, with a secret, a {@code Nudge-Signature}.
 *
 * <p>The destination's addresses are checked, then the client resolves the name again to connect. The JVM caches a
 * successful lookup (30 s unless {@code networkaddress.cache.ttl} says otherwise), so the connection uses the
 * addresses that were checked; a name that changes its answer in the instant between the two lookups (DNS
 * rebinding) is the window that remains: docs/webhooks.md says why it is accepted.
 */
public final class HttpWebhookSender implements WebhookSender {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How much of an endpoint's answer a message's history keeps. */
    static final int EXCERPT_BYTES = 512;
    public static final String USER_AGENT = "Nudge/" + version();

    /** Reads an answer's first bytes while the sender waits with a deadline (the client's timeout ends with the headers). */
    private static final java.util.concurrent.ExecutorService EXCERPTS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private final HttpClient http;
    private final WebhookDestinations destinations;
    private final Clock clock;
    private final Duration timeout;

    /**
     * HTTP/1.1: over plain http the JDK client would otherwise ask every receiver to upgrade to h2c
     * ({@code Connection: Upgrade, HTTP2-Settings}), which some servers and proxies refuse.
     */
    public HttpWebhookSender(WebhookDestinations destinations, Clock clock) {
        this(destinations, clock, TIMEOUT);
    }

    /** @param timeout to connect, then for the answer's headers, then for its first bytes (tests shorten it) */
    HttpWebhookSender(WebhookDestinations destinations, Clock clock, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout).build();
        this.destinations = destinations;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public SendOutcome send(WebhookRequest request) {
        return attempt(request).outcome();
    }

    /** One attempt as the event stream's delivery log keeps it: the outcome, the HTTP status if one came, how long it took. */
    public record Attempt(SendOutcome outcome, java.util.OptionalInt statusCode, Duration latency) {}

    public Attempt attempt(WebhookRequest request) {
        long started = System.nanoTime();
        java.util.OptionalInt[] status = {java.util.OptionalInt.empty()};
        SendOutcome outcome = post(request, status);
        return new Attempt(outcome, status[0], Duration.ofNanos(System.nanoTime() - started));
    }

    private SendOutcome post(WebhookRequest request, java.util.OptionalInt[] statusSeen) {
        String host;
        switch (destinations.check(request.url())) {
            case WebhookDestinations.Verdict.Blocked blocked -> {
                return new SendOutcome.Blocked(blocked.reason());
            }
            case WebhookDestinations.Verdict.Unresolved unresolved -> {
                return new SendOutcome.Unavailable(unresolved.reason());
            }
            case WebhookDestinations.Verdict.Allowed allowed -> host = allowed.host();
        }
        HttpRequest built;
        try {
            built = request(request);
        } catch (IllegalArgumentException e) {
            // deliver checks the header values first; what the client still refuses can never be sent
            return new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "the request could not be made: " + e.getMessage());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return new SendOutcome.Unavailable(host + " did not answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            return new SendOutcome.Unavailable("could not connect to " + host + ": " + e.getClass().getSimpleName());
        } catch (IOException e) {
            // sent or not, the same idempotency key goes with the next attempt: the endpoint can tell a repeat
            return new SendOutcome.Unavailable("the request to " + host + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendOutcome.Unavailable("the request to " + host + " was interrupted");
        }
        int status = response.statusCode();
        statusSeen[0] = java.util.OptionalInt.of(status);
        String answer = "HTTP " + status + " from " + host;
        String excerpt = excerpt(response.body(), timeout);
        String withExcerpt = excerpt.isBlank() ? answer : answer + ": " + excerpt;
        if (status >= 200 && status < 300) {
            return new SendOutcome.Posted(status, withExcerpt);
        }
        if (status == 429) {
            return new SendOutcome.Throttled(withExcerpt, retryAfter(response.headers().firstValue("Retry-After"), clock.instant()));
        }
        if (status >= 500) {
            return new SendOutcome.Unavailable(withExcerpt);
        }
        if (status >= 300 && status < 400) {
            return new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, answer + " (redirects are not followed)"
                    + response.headers().firstValue("Location").map(l -> " to " + l).orElse(""));
        }
        return new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, withExcerpt);
    }

    private HttpRequest request(WebhookRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(java.net.URI.create(request.url().strip())).timeout(timeout)
                .method(request.method(), HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        request.headers().forEach(builder::header);
        builder.header("Idempotency-Key", request.messageId());
        builder.header("User-Agent", USER_AGENT);
        if (!request.secrets().isEmpty()) {
            builder.header(WebhookSignature.HEADER, WebhookSignature.header(request.secrets(), clock.instant().getEpochSecond(), request.body()));
        }
        return builder.build();
    }

    /**
     * The first {@value #EXCERPT_BYTES} bytes of the answer, as text; the rest is not read. Within {@code within}: an
     * endpoint that sends its status and then stalls must not hold the delivery (the status decides; the stream is
     * closed, which ends the read).
     */
    private static String excerpt(InputStream body, Duration within) {
        java.util.concurrent.Future<String> read = EXCERPTS.submit(() -> {
            byte[] first = body.readNBytes(EXCERPT_BYTES);
            return new String(first, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        });
        try {
            return read.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            read.cancel(true);
            return "(the answer's body did not come within " + within.toSeconds() + " s)";
        } catch (java.util.concurrent.ExecutionException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            try {
                body.close();
            } catch (IOException e) {
                // closing an answer we stopped reading: nothing to do
            }
        }
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        if (value.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String version() {
        try (InputStream in = HttpWebhookSender.class.getResourceAsStream("/io/nudge/version.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
