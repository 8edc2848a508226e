package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.repo;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** template.yaml is valid against the SAM schema. */
class SamSchemaContractTest {
    @Test
    void template_is_valid_against_the_sam_schema() throws IOException {
        Path schemaFile = repo.getParent().resolve("shared/schemas/sam.schema.json").normalize();
        assumeTrue(Files.isRegularFile(schemaFile),
                "SAM schema not found at " + schemaFile + " (expected beside the repository as ../shared/schemas/sam.schema.json): schema validation skipped");
        String schemaText = Files.readString(schemaFile);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        Schema schema = registry.getSchema(schemaText, InputFormat.JSON);
        List<Error> errors = schema.validate(template.json(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            String precise = perResourceErrors(registry, schemaText);
            fail("template.yaml does not validate against " + schemaFile + ":\n"
                    + (precise.isEmpty() ? describe(errors) : precise));
        }
    }

    /** Resources sit under an anyOf, whose errors say little: validate each SAM resource against its own definition. */
    private static String perResourceErrors(SchemaRegistry registry, String schemaText) throws IOException {
        ObjectNode full = (ObjectNode) SamTemplate.JSON.readTree(schemaText);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> resource : template.root.path("Resources").properties()) {
            String type = resource.getValue().path("Type").asText();
            if (!type.startsWith("AWS::Serverless::")) {
                continue;
            }
            String definition = "samtranslator__internal__schema_source__aws_serverless_"
                    + type.substring("AWS::Serverless::".length()).toLowerCase(Locale.ROOT) + "__Resource";
            if (!full.path("definitions").has(definition)) {
                out.append("  ").append(resource.getKey()).append(": no definition ").append(definition).append('\n');
                continue;
            }
            ObjectNode wrapper = SamTemplate.JSON.createObjectNode();
            wrapper.put("$schema", full.path("$schema").asText());
            wrapper.set("definitions", full.path("definitions"));
            wrapper.put("$ref", "#/definitions/" + definition);
            List<Error> errors = registry.getSchema(wrapper.toString(), InputFormat.JSON)
                    .validate(SamTemplate.JSON.writeValueAsString(resource.getValue()), InputFormat.JSON);
            if (!errors.isEmpty()) {
                out.append("  ").append(resource.getKey()).append(":\n").append(describe(errors));
            }
        }
        return out.toString();
    }

    private static String describe(List<Error> errors) {
        return errors.stream().limit(40).map(e -> "    " + e.getInstanceLocation() + ": " + e.getMessage())
                .collect(Collectors.joining("\n")) + (errors.size() > 40 ? "\n    … " + (errors.size() - 40) + " more" : "");
    }
}
