package io.nudge.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml read as plain YAML: the template uses long-form intrinsics only ({@code Ref:}, {@code Fn::GetAtt:},
 * {@code Fn::Sub:}), so no tag-aware reader is needed.
 */
final class SamTemplate {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** {@code ${Table.Arn}} or {@code ${Table.Arn}/index/name} inside Fn::Sub. */
    private static final Pattern SUB_TABLE_ARN = Pattern.compile("^\\$\\{([A-Za-z0-9]+)\\.Arn}(?:/index/([A-Za-z0-9_.-]+))?$");

    final Path repo;
    final JsonNode root;

    private SamTemplate(Path repo, JsonNode root) {
        this.repo = repo;
        this.root = root;
    }

    static SamTemplate load(Path repo) {
        Path file = repo.resolve("template.yaml");
        try {
            return new SamTemplate(repo, YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The repository root: the nearest directory, from the working directory up, holding template.yaml
     * (Surefire runs in the local module, whose parent is the root).
     */
    static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("template.yaml")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no template.yaml in " + dir + " or above");
    }

    String json() {
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode resource(String logicalId) {
        return root.path("Resources").path(logicalId);
    }

    /** Logical id to resource, in template order, of every resource of that type. */
    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                found.put(entry.getKey(), entry.getValue());
            }
        });
        return found;
    }

    Map<String, JsonNode> functions() {
        return resources("AWS::Serverless::Function");
    }

    JsonNode globalsFunction() {
        return root.path("Globals").path("Function");
    }

    /** Environment variable names a function gets: Globals merged with its own (SAM merges the two maps). */
    Set<String> environmentOf(String functionId) {
        Set<String> names = new LinkedHashSet<>();
        globalsFunction().path("Environment").path("Variables").properties().forEach(e -> names.add(e.getKey()));
        resource(functionId).path("Properties").path("Environment").path("Variables").properties()
                .forEach(e -> names.add(e.getKey()));
        return names;
    }

    /** A function's property, falling back to Globals.Function. */
    JsonNode functionProperty(String functionId, String name) {
        JsonNode own = resource(functionId).path("Properties").path(name);
        return own.isMissingNode() ? globalsFunction().path(name) : own;
    }

    /** The events of one type ("DynamoDB", "HttpApi", "Schedule") of a function, by event name. */
    Map<String, JsonNode> events(String functionId, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resource(functionId).path("Properties").path("Events").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                found.put(entry.getKey(), entry.getValue().path("Properties"));
            }
        });
        return found;
    }

    /** A scalar or a list, as a list (IAM's Action and Resource take both). */
    static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return items;
        }
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        return items;
    }

    /** {@code {Fn::GetAtt: [Id, attribute]}} or {@code {Fn::GetAtt: "Id.attribute"}} → Id. */
    static Optional<String> getAtt(JsonNode node, String attribute) {
        JsonNode value = node.path("Fn::GetAtt");
        if (value.isArray() && value.size() == 2 && attribute.equals(value.get(1).asText())) {
            return Optional.of(value.get(0).asText());
        }
        if (value.isTextual() && value.asText().endsWith("." + attribute)) {
            String text = value.asText();
            return Optional.of(text.substring(0, text.length() - attribute.length() - 1));
        }
        return Optional.empty();
    }

    static Optional<String> ref(JsonNode node) {
        JsonNode value = node.path("Ref");
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** The text of a plain string or of an {@code Fn::Sub} (string form), for messages and pattern checks. */
    static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode sub = node.path("Fn::Sub");
        if (sub.isTextual()) {
            return sub.asText();
        }
        return node.toString();
    }

    /** A DynamoDB resource a policy names: a table of this template, and an index of it or none. */
    record TableArn(String tableId, Optional<String> index) {
        @Override
        public String toString() {
            return tableId + index.map(i -> "/index/" + i).orElse("");
        }
    }

    static Optional<TableArn> tableArn(JsonNode resource) {
        Optional<String> table = getAtt(resource, "Arn");
        if (table.isPresent()) {
            return Optional.of(new TableArn(table.get(), Optional.empty()));
        }
        JsonNode sub = resource.path("Fn::Sub");
        if (sub.isTextual()) {
            Matcher m = SUB_TABLE_ARN.matcher(sub.asText());
            if (m.matches()) {
                return Optional.of(new TableArn(m.group(1), Optional.ofNullable(m.group(2))));
            }
        }
        return Optional.empty();
    }

    /** A policy's statements wherever it sits: an inline document of a SAM function, or an IAM resource. */
    record Statement(String owner, JsonNode node) {
        String effect() {
            return node.path("Effect").asText();
        }

        List<String> actions() {
            return asList(node.path("Action")).stream().map(JsonNode::asText).toList();
        }

        List<JsonNode> resources() {
            return asList(node.path("Resource"));
        }

        String sid() {
            return node.path("Sid").asText("(no Sid)");
        }

        @Override
        public String toString() {
            return owner + " " + sid();
        }
    }

    /** Every IAM statement written in the template (what SAM adds by itself is not in the file). */
    List<Statement> statements() {
        List<Statement> all = new ArrayList<>();
        functions().forEach((id, function) -> {
            for (JsonNode policy : asList(function.path("Properties").path("Policies"))) {
                statementsOf(id, policy).forEach(all::add);
            }
        });
        resources("AWS::IAM::Role").forEach((id, role) -> {
            for (JsonNode policy : asList(role.path("Properties").path("Policies"))) {
                statementsOf(id, policy.path("PolicyDocument")).forEach(all::add);
            }
        });
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            resources(type).forEach((id, policy) ->
                    statementsOf(id, policy.path("Properties").path("PolicyDocument")).forEach(all::add));
        }
        return all;
    }

    private static List<Statement> statementsOf(String owner, JsonNode document) {
        List<Statement> found = new ArrayList<>();
        for (JsonNode statement : asList(document.path("Statement"))) {
            // a statement granted on a condition ({"Fn::If": [condition, statement, AWS::NoValue]}) is checked as granted
            if (statement.has("Fn::If")) {
                for (JsonNode branch : statement.get("Fn::If")) {
                    if (branch.isObject() && branch.has("Effect")) {
                        found.add(new Statement(owner, branch));
                    }
                }
                continue;
            }
            found.add(new Statement(owner, statement));
        }
        return found;
    }

    static JsonNode missing() {
        return MissingNode.getInstance();
    }
}
