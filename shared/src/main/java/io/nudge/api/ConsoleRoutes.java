package io.nudge.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The console at {@code /ui/}: static files from the classpath ({@code ui/} in this module), no key (the page asks
 * for one and calls the API with it). Assets are served under {@code /ui/assets/<fingerprint>/}, the fingerprint
 * being a hash of all of them, so relative imports between modules keep working and each release gets new URLs that
 * can be cached for a year; the page itself ({@code no-cache}) is served for every other path under {@code /ui/},
 * so a deep link loads the page, which then shows what the path names. Every answer under {@code /ui} carries the
 * security headers ({@link #secured}), the router adds them to its own errors there too.
 */
public final class ConsoleRoutes {
    /** The files under {@code ui/assets/}; a missing one fails at startup. */
    static final List<String> ASSETS = List.of("app.js", "api.js", "dom.js", "views.js", "format.js", "chart.js",
            "overview.js", "messages.js", "user.js", "definitions.js", "forms.js", "triggers.js", "templates.js",
            "campaigns.js", "journeys.js", "outbox.js", "admin.js", "webhooks.js", "topics.js", "style.css");
    static final String PREFIX = "/ui";
    /** Compressing below this costs more than it saves. */
    static final int GZIP_MIN_BYTES = 1024;

    /**
     * No inline or foreign script ever runs. Inline styles are allowed because an email preview (a sandboxed srcdoc
     * frame, which inherits this policy) is styled inline as emails are; the console itself never writes markup from
     * data, so there is no way for data to bring styles in. Remote images stay blocked: a preview loads no tracking pixel.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "x-content-type-options", "nosniff",
            "referrer-policy", "no-referrer");

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json");

    private ConsoleRoutes() {}

    public static NudgeApi install(NudgeApi api) {
        Console console = Console.load();
        return api.addRoutes(ConsoleRoutes.class, List.of(
                Route.open("GET", PREFIX, (r, p) -> r.path().equals(PREFIX)
                        ? secured(new ApiResponse(308, Map.of("location", PREFIX + "/", "cache-control", "no-cache"), ""))
                        : console.page().answer(r)),
                Route.open("GET", PREFIX + "/{path+}", (r, p) -> console.answer(r, p.get("path")))));
    }

    /** True for the console's paths, whose every answer carries {@link #SECURITY_HEADERS}. */
    static boolean isConsolePath(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    static ApiResponse secured(ApiResponse response) {
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.putAll(SECURITY_HEADERS);
        return new ApiResponse(response.status(), headers, response.body(), response.base64Encoded());
    }

    /** The page and the assets, read once; {@code page} names the assets by their fingerprinted URLs. */
    record Console(StaticFile page, Map<String, StaticFile> assets, String base) {
        static Console load() {
            Map<String, byte[]> raw = new LinkedHashMap<>();
            MessageDigest all = sha256();
            for (String name : ASSETS) {
                byte[] bytes = read("/ui/assets/" + name);
                raw.put(name, bytes);
                all.update(name.getBytes(StandardCharsets.UTF_8));
                all.update(bytes);
            }
            String base = PREFIX + "/assets/" + HexFormat.of().formatHex(all.digest()).substring(0, 16);
            Map<String, StaticFile> assets = new HashMap<>();
            raw.forEach((name, bytes) -> assets.put(name, StaticFile.of(name, bytes, "public, max-age=31536000, immutable")));
            String html = new String(read("/ui/index.html"), StandardCharsets.UTF_8).replace("{{assets}}", base);
            return new Console(StaticFile.of("index.html", html.getBytes(StandardCharsets.UTF_8), "no-cache"), Map.copyOf(assets), base);
        }

        /** {@code path} is what follows {@code /ui/}: an asset of this release, else the page (a deep link). */
        ApiResponse answer(ApiRequest request, String path) {
            if (!path.startsWith("assets/")) {
                return page.answer(request);
            }
            String prefix = base.substring(PREFIX.length() + 1) + "/";
            StaticFile asset = path.startsWith(prefix) ? assets.get(path.substring(prefix.length())) : null;
            if (asset == null) {
                // the API's error shape, so a client (or the fuzzer) reads every error of this origin the same way
                ApiResponse missing = ApiResponse.error(404, "not_found", "no such asset in this release", "path");
                Map<String, String> headers = new HashMap<>(missing.headers());
                headers.put("cache-control", "no-cache");
                return secured(new ApiResponse(404, headers, missing.body()));
            }
            return asset.answer(request);
        }
    }

    /** One file as served: its ETag, and a gzipped copy when that pays. */
    record StaticFile(String contentType, String cacheControl, byte[] bytes, byte[] gzipped, String etag) {
        static StaticFile of(String name, byte[] bytes, String cacheControl) {
            String type = CONTENT_TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            byte[] gzipped = bytes.length > GZIP_MIN_BYTES ? gzip(bytes) : null;
            String etag = HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 32);
            return new StaticFile(type, cacheControl, bytes, gzipped != null && gzipped.length < bytes.length ? gzipped : null, etag);
        }

        ApiResponse answer(ApiRequest request) {
            boolean gzip = gzipped != null && acceptsGzip(request.header("accept-encoding").orElse(""));
            // each encoding is its own representation, with its own validator
            String tag = "\"" + etag + (gzip ? "-gz" : "") + "\"";
            Map<String, String> headers = new HashMap<>(Map.of("etag", tag, "cache-control", cacheControl, "vary", "accept-encoding"));
            if (request.header("if-none-match").filter(h -> matches(h, tag)).isPresent()) {
                return secured(new ApiResponse(304, headers, ""));
            }
            headers.put("content-type", contentType);
            if (gzip) {
                headers.put("content-encoding", "gzip");
                return secured(ApiResponse.binary(200, headers, gzipped));
            }
            return secured(contentType.startsWith("text/") ? new ApiResponse(200, headers, new String(bytes, StandardCharsets.UTF_8))
                    : ApiResponse.binary(200, headers, bytes));
        }
    }

    /** "gzip" among the accepted codings, unless refused with {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        for (String coding : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equals("gzip") || parts[0].trim().equals("*")) {
                return !(parts.length > 1 && parts[1].replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }

    private static boolean matches(String ifNoneMatch, String tag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String t = candidate.trim();
            if (t.equals("*") || t.equals(tag) || t.equals("W/" + tag)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
