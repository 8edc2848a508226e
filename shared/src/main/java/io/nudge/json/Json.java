package io.nudge.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one ObjectMapper: created once, thread-safe, strict about duplicate keys and nesting depth. */
public final class Json {
    /** Deeper than any document Nudge reads; far below what would overflow a stack. */
    public static final int MAX_DEPTH = 64;
    /** A string value; request bodies are capped lower (256 KiB) by the API. */
    public static final int MAX_STRING_LENGTH = 1_000_000;
    /** Digits of one number: more than any real amount, few enough that parsing it is cheap. */
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final ObjectMapper MAPPER = create();

    private Json() {}

    private static ObjectMapper create() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNameLength(1024)
                .build());
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a document; throws {@link JsonProcessingException} for anything that is not one JSON value. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
