package io.nudge.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of the whole API, no key (it describes, it serves nothing else).
 * The document is the resource {@code openapi.json} in this module, read once; OpenApiDocumentTest keeps it equal to
 * the route table. An ETag lets clients revalidate cheaply.
 */
public final class OpenApiRoutes {
    static final String RESOURCE = "/openapi.json";

    private OpenApiRoutes() {}

    public static NudgeApi install(NudgeApi api) {
        String document = document();
        String etag = "\"" + sha256(document).substring(0, 32) + "\"";
        Map<String, String> headers = Map.of("content-type", "application/json", "etag", etag, "cache-control", "no-cache");
        return api.addRoutes(OpenApiRoutes.class, List.of(
                Route.open("GET", "/openapi.json", (r, p) -> r.header("if-none-match").filter(etag::equals).isPresent()
                        ? new ApiResponse(304, Map.of("etag", etag, "cache-control", "no-cache"), "")
                        : new ApiResponse(200, headers, document))));
    }

    /** The document as kept in the repository. */
    static String document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
