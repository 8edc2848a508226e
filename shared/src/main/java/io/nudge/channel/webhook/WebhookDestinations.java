package io.nudge.channel.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where Nudge may send an HTTP request on a user's behalf: {@code https} to public addresses. Plain {@code http}, and
 * loopback, private, carrier-grade NAT, link-local (the instance metadata service at 169.254.169.254), multicast,
 * unspecified and reserved addresses, only to hosts an operator allow-listed ({@value #ALLOW_HOSTS_ENV}: host names or
 * IP literals, matched against the URL's host without its port). Every address a host resolves to is checked, so a
 * public name pointing at a private address (the classic server-side request forgery) is refused.
 */
public final class WebhookDestinations {
    public static final String ALLOW_HOSTS_ENV = "NUDGE_WEBHOOK_ALLOW_HOSTS";
    /** Digits and dots: a dotted quad, or a form such as 127.1 or 2130706433 that the JDK also reads as an address. */
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    /** Name resolution, injected so tests can make a public-looking name resolve to a private address. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** What a URL may be sent to. */
    public sealed interface Verdict {
        /** @param host the URL's host as matched (lower case, no brackets): what a message records as its {@code to} */
        record Allowed(URI url, String host) implements Verdict {}

        /** Never to be sent there: a forbidden scheme or address, or no URL at all. */
        record Blocked(String reason) implements Verdict {}

        /** The name did not resolve now: it may later (DNS is down, a record not yet published). */
        record Unresolved(String reason) implements Verdict {}
    }

    private final Set<String> allowed;
    private final Resolver resolver;

    private WebhookDestinations(Set<String> allowed, Resolver resolver) {
        this.allowed = Set.copyOf(allowed);
        this.resolver = resolver;
    }

    /** Nothing allow-listed: https to public addresses only (the default, locally too). */
    public static WebhookDestinations none() {
        return allowing(List.of());
    }

    public static WebhookDestinations allowing(Collection<String> hosts) {
        return new WebhookDestinations(hosts.stream().map(WebhookDestinations::normalise).filter(h -> !h.isEmpty())
                .collect(Collectors.toSet()), host -> Arrays.asList(InetAddress.getAllByName(host)));
    }

    /** From {@value #ALLOW_HOSTS_ENV}, a comma-separated list. */
    public static WebhookDestinations fromEnvironment(Map<String, String> env) {
        String list = env.getOrDefault(ALLOW_HOSTS_ENV, "");
        return allowing(Arrays.asList(list.split(",")));
    }

    /** The same allow-list over another resolver (tests). */
    public WebhookDestinations resolvingWith(Resolver other) {
        return new WebhookDestinations(allowed, other);
    }

    /** The allow-listed hosts, sorted (what the local runner prints when some are set). */
    public java.util.SortedSet<String> allowed() {
        return new java.util.TreeSet<>(allowed);
    }

    public boolean allowListed(String host) {
        return allowed.contains(normalise(host));
    }

    /**
     * At save, for a URL with no Liquid in it: what can be known without resolving it (the scheme, an IP literal, a
     * name that is loopback by definition). Empty when it may be saved; the send checks every resolved address.
     */
    public Optional<String> refusalAtSave(String url) {
        return switch (parse(url)) {
            case Verdict.Blocked blocked -> Optional.of(blocked.reason());
            case Verdict.Unresolved unresolved -> Optional.empty();
            case Verdict.Allowed a -> allowListed(a.host()) ? Optional.empty()
                    : literal(a.host()).flatMap(address -> forbidden(address).map(why -> a.host() + " is " + why))
                            .or(() -> loopbackName(a.host()) ? Optional.of(a.host() + " is a loopback address") : Optional.empty());
        };
    }

    /** At send, for the URL as rendered: its scheme, then every address its host resolves to. */
    public Verdict check(String url) {
        Verdict parsed = parse(url);
        if (!(parsed instanceof Verdict.Allowed allowedUrl) || allowListed(allowedUrl.host())) {
            return parsed;
        }
        List<InetAddress> addresses;
        try {
            // exactly the name the HTTP client will look up (case and a trailing dot kept): the JVM's lookup cache is
            // keyed by that string, so the connection then finds the addresses checked here
            addresses = resolver.resolve(stripBrackets(allowedUrl.url().getHost()));
        } catch (UnknownHostException e) {
            return new Verdict.Unresolved(allowedUrl.host() + " did not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> why = forbidden(address);
            if (why.isPresent()) {
                return new Verdict.Blocked(allowedUrl.host() + " resolves to " + address.getHostAddress() + ", " + why.get());
            }
        }
        return addresses.isEmpty() ? new Verdict.Unresolved(allowedUrl.host() + " did not resolve") : parsed;
    }

    /** An absolute http(s) URL with a host; http only to an allow-listed host. */
    private Verdict parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            return new Verdict.Blocked("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return new Verdict.Blocked("the URL must start with https://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return new Verdict.Blocked("the URL has no host");
        }
        String host = normalise(uri.getHost());
        if (scheme.equals("http") && !allowListed(host)) {
            return new Verdict.Blocked("plain http only to hosts in " + ALLOW_HOSTS_ENV + "; use https");
        }
        return new Verdict.Allowed(uri, host);
    }

    /** The host of an http(s) URL, normalised; empty when it is no such URL. */
    public static Optional<String> hostOf(String url) {
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null && !uri.getHost().isEmpty()
                    ? Optional.of(normalise(uri.getHost())) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The host as the allow-list and a message's {@code to} see it: lower case, an IPv6 literal without brackets. */
    public static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean loopbackName(String host) {
        return host.equals("localhost") || host.endsWith(".localhost");
    }

    /** An IP literal host as an address (no lookup: only literals are parsed). */
    private static Optional<InetAddress> literal(String host) {
        if (!IPV4_LITERAL.matcher(host).matches() && !host.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Why an address is no place for a request on a user's behalf, or empty for a public unicast address. */
    public static Optional<String> forbidden(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? forbiddenV4(b) : forbiddenV6(b);
    }

    private static Optional<String> forbiddenV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return Optional.of("an unspecified (0.0.0.0/8) address");
        }
        if (a0 == 127) {
            return Optional.of("a loopback address");
        }
        if (a0 == 10 || a0 == 172 && (a1 & 0xf0) == 16 || a0 == 192 && a1 == 168) {
            return Optional.of("a private address");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT (100.64.0.0/10) address");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("a link-local address (the instance metadata service is one)");
        }
        if (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0 || a0 == 198 && (a1 & 0xfe) == 18) {
            return Optional.of("a reserved address");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("a multicast address");
        }
        if (a0 >= 240) {
            return Optional.of("a reserved or broadcast address");
        }
        return Optional.empty();
    }

    private static Optional<String> forbiddenV6(byte[] b) {
        boolean zeroTo11 = zero(b, 0, 12);
        if (zeroTo11 && zero(b, 12, 16)) {
            return Optional.of("the unspecified address");
        }
        if (zeroTo11 && zero(b, 12, 15) && b[15] == 1) {
            return Optional.of("a loopback address");
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xff) {
            return Optional.of("a multicast address");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return Optional.of("a link-local address");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return Optional.of("a site-local address");
        }
        if ((b0 & 0xfe) == 0xfc) {
            return Optional.of("a unique local (private) address");
        }
        // IPv4 inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002:a.b.c.d::)
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || zeroTo11
                || b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return forbiddenV4(Arrays.copyOfRange(b, 12, 16));
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return forbiddenV4(Arrays.copyOfRange(b, 2, 6));
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
