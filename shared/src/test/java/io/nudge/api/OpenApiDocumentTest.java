package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document (src/main/resources/openapi.json) against the route table as the wiring installs it: every
 * route documented with its scope and path parameters, nothing documented that does not exist, every {@code $ref}
 * resolving, and every example validating against its schema. A route added without its documentation fails here.
 */
class OpenApiDocumentTest {
    /** The repository's copy: what a reader of the source sees is what the API serves. */
    private static final Path SOURCE = Path.of("src/main/resources/openapi.json");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private static JsonNode doc;
    private NudgeApi api;

    @BeforeAll
    static void read() throws Exception {
        doc = document();
    }

    @BeforeEach
    void setUp() {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(MutableClock.at("2026-11-24T09:00:00Z")).build();
        List<CampaignRunner.Request> runs = new ArrayList<>();
        api = services.api(ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add));
    }

    @Test
    void the_document_names_exactly_the_installed_routes_with_their_scopes() {
        // the console (/ui/) and the local runner's /local/* are not API routes (issue #14)
        Map<String, String> installed = api.routes().stream()
                .filter(r -> !r.pattern().get(0).equals("ui") && !r.pattern().get(0).equals("local"))
                .collect(Collectors.toMap(Route::key, r -> r.isPublic() ? "public" : r.scope().wire(), (a, b) -> a, TreeMap::new));
        Map<String, String> documented = new TreeMap<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                documented.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), scope(op.getValue()));
            }
        }));
        List<String> problems = new ArrayList<>();
        installed.forEach((route, scope) -> {
            if (!documented.containsKey(route)) {
                problems.add(route + " is installed but not documented");
            } else if (!documented.get(route).equals(scope)) {
                problems.add(route + " needs " + scope + " but its security says " + documented.get(route));
            }
        });
        documented.keySet().stream().filter(route -> !installed.containsKey(route))
                .forEach(route -> problems.add(route + " is documented but no such route exists"));
        assertThat(problems).isEmpty();
        assertThat(installed).containsKeys("GET /health", "GET /openapi.json", "PUT /v1/users/{userId}", "GET /v1/triggers/{id}");
    }

    @Test
    void every_path_parameter_is_declared_and_every_declared_one_is_in_the_path() {
        List<String> problems = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> {
            Set<String> inPath = new TreeSet<>();
            Matcher m = PARAMETER.matcher(path.getKey());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            path.getValue().properties().forEach(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode p : op.getValue().path("parameters")) {
                    JsonNode param = resolve(p);
                    if (param.path("in").asText().equals("path")) {
                        declared.add(param.path("name").asText());
                        if (!param.path("required").asBoolean()) {
                            problems.add(op.getKey() + " " + path.getKey() + ": path parameter " + param.path("name") + " not required");
                        }
                    }
                }
                if (!declared.equals(inPath)) {
                    problems.add(op.getKey() + " " + path.getKey() + ": declares " + declared + ", the path has " + inPath);
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void the_document_is_openapi_3_1_and_every_ref_resolves() {
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("info").path("title").asText()).isNotEmpty();
        assertThat(doc.path("components").path("securitySchemes").path("apiKey").path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/components/schemas/Error/properties/error/required").toString()).isEqualTo("[\"code\",\"message\"]");
        List<String> refs = new ArrayList<>();
        collect(doc, "", (node, at) -> {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                refs.add(ref.asText());
            }
        });
        List<String> operationIds = new ArrayList<>();
        doc.path("paths").forEach(path -> path.forEach(op -> operationIds.add(op.path("operationId").asText())));
        assertThat(operationIds).as("operationIds").doesNotContain("").doesNotHaveDuplicates();
        assertThat(refs).hasSizeGreaterThan(50);
        assertThat(refs.stream().filter(ref -> !ref.startsWith("#/") || doc.at(ref.substring(1)).isMissingNode()).distinct())
                .as("$refs that do not resolve").isEmpty();
    }

    @Test
    void every_example_validates_against_its_schema() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        List<String> failures = new ArrayList<>();
        List<String> withoutExamples = new ArrayList<>();
        int[] validated = {0};
        collect(doc, "", (node, at) -> {
            JsonNode schema = node.get("schema");
            if (schema == null || !schema.isObject() || at.startsWith("/components/schemas")) {
                return;
            }
            Map<String, JsonNode> examples = new TreeMap<>();
            if (node.has("example")) {
                examples.put("example", node.get("example"));
            }
            node.path("examples").properties().forEach(e -> examples.put(e.getKey(), resolve(e.getValue()).path("value")));
            if (examples.isEmpty() && at.contains("/content/application~1json") && !at.startsWith("/paths/~1openapi.json")) {
                withoutExamples.add(at);
            }
            examples.forEach((name, value) -> {
                List<Error> errors;
                try {
                    errors = compile(registry, doc, schema).validate(value.toString(), InputFormat.JSON);
                } catch (RuntimeException e) {
                    failures.add(at + " example " + name + ": the schema does not load: " + e.getMessage());
                    return;
                }
                validated[0]++;
                if (!errors.isEmpty()) {
                    failures.add(at + " example " + name + ": " + errors.stream().limit(5)
                            .map(e -> e.getInstanceLocation() + " " + e.getMessage()).collect(Collectors.joining("; ")));
                }
            });
        });
        assertThat(failures).isEmpty();
        assertThat(withoutExamples).as("JSON bodies without an example").isEmpty();
        assertThat(validated[0]).as("examples validated").isGreaterThan(60);
    }

    @Test
    void an_example_that_breaks_its_schema_is_caught() {
        // the validation above must not pass vacuously: a trigger without its required template fails
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        var compiled = compile(registry, doc, Json.object().put("$ref", "#/components/schemas/Trigger"));
        assertThat(compiled.validate("{\"event\":\"signed_up\",\"channel\":\"email\",\"template\":\"welcome\"}", InputFormat.JSON)).isEmpty();
        assertThat(compiled.validate("{\"event\":\"signed_up\",\"channel\":\"email\"}", InputFormat.JSON)).isNotEmpty();
        assertThat(compiled.validate("{\"event\":\"signed_up\",\"channel\":\"fax\",\"template\":\"welcome\"}", InputFormat.JSON)).isNotEmpty();
        assertThat(compiled.validate("{\"event\":\"signed_up\",\"channel\":\"email\",\"template\":\"welcome\",\"delya\":\"PT1H\"}", InputFormat.JSON))
                .as("an unknown field").isNotEmpty();
    }

    @Test
    void the_served_document_is_the_repository_copy_and_needs_no_key() throws Exception {
        String source = Files.readString(SOURCE);
        ApiResponse response = get("GET", Map.of());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("content-type", "application/json");
        assertThat(response.body()).isEqualTo(source);
        String etag = response.headers().get("etag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");

        ApiResponse head = get("HEAD", Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers()).containsEntry("etag", etag);
        ApiResponse revalidated = get("GET", Map.of("if-none-match", etag));
        assertThat(revalidated.status()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();
        assertThat(get("GET", Map.of("if-none-match", "\"other\"")).status()).isEqualTo(200);

        ApiResponse post = api.handle(new ApiRequest("POST", "/openapi.json", Map.of(), Map.of(), Optional.empty()));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("allow", "GET");
    }

    /** The repository's document, parsed. */
    static JsonNode document() throws Exception {
        return Json.parse(Files.readString(SOURCE));
    }

    /** {@code schema} of {@code document} with its components beside it, so "#/components/schemas/…" resolves. */
    static com.networknt.schema.Schema compile(SchemaRegistry registry, JsonNode document, JsonNode schema) {
        ObjectNode root = schema.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", document.path("components"));
        return registry.getSchema(root.toString(), InputFormat.JSON);
    }

    private ApiResponse get(String method, Map<String, String> headers) {
        return api.handle(new ApiRequest(method, "/openapi.json", headers, Map.of(), Optional.empty()));
    }

    /** "public" for {@code security: []}, else the one scope the operation's bearer requirement names. */
    private static String scope(JsonNode operation) {
        JsonNode security = operation.path("security");
        if (security.isArray() && security.isEmpty()) {
            return "public";
        }
        List<String> scopes = new ArrayList<>();
        security.forEach(requirement -> requirement.path("apiKey").forEach(s -> scopes.add(s.asText())));
        return scopes.size() == 1 ? Scope.fromWire(scopes.get(0)).map(Scope::wire).orElse("unknown scope " + scopes.get(0)) : "unclear: " + security;
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asText().substring(1)) : node;
    }

    private interface Visitor {
        void visit(JsonNode node, String pointer);
    }

    /** Every object node of the tree with its JSON pointer, depth first. */
    private static void collect(JsonNode node, String pointer, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(node, pointer);
            node.properties().forEach(e -> collect(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }
}
