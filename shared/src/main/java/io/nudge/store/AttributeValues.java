package io.nudge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** JSON documents stored as native DynamoDB maps, so stream images and filters can see inside them. */
public final class AttributeValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AttributeValues() {}

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        if (node.isTextual()) {
            return AttributeValue.fromS(node.textValue());
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.decimalValue().toPlainString());
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.booleanValue());
        }
        if (node.isArray()) {
            List<AttributeValue> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(fromJson(item)));
            return AttributeValue.fromL(items);
        }
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            fields.put(field.getKey(), fromJson(field.getValue()));
        }
        return AttributeValue.fromM(fields);
    }

    public static JsonNode toJson(AttributeValue value) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (value.type()) {
            case S -> NODES.textNode(value.s());
            case N -> number(value.n());
            case BOOL -> NODES.booleanNode(value.bool());
            case NUL -> NODES.nullNode();
            case L -> {
                ArrayNode array = NODES.arrayNode();
                value.l().forEach(item -> array.add(toJson(item)));
                yield array;
            }
            case M -> toObject(value.m());
            case SS -> {
                ArrayNode array = NODES.arrayNode();
                value.ss().forEach(array::add);
                yield array;
            }
            case NS -> {
                ArrayNode array = NODES.arrayNode();
                value.ns().forEach(n -> array.add(number(n)));
                yield array;
            }
            default -> NODES.nullNode();
        };
    }

    public static ObjectNode toObject(Map<String, AttributeValue> fields) {
        ObjectNode object = NODES.objectNode();
        if (fields != null) {
            fields.forEach((k, v) -> object.set(k, toJson(v)));
        }
        return object;
    }

    public static ObjectNode objectOrEmpty(AttributeValue value) {
        return value != null && value.hasM() ? toObject(value.m()) : NODES.objectNode();
    }

    private static JsonNode number(String n) {
        BigDecimal decimal = new BigDecimal(n);
        if (decimal.scale() <= 0) {
            try {
                return NODES.numberNode(decimal.longValueExact());
            } catch (ArithmeticException tooBig) {
                return NODES.numberNode(decimal.toBigIntegerExact());
            }
        }
        return NODES.numberNode(decimal);
    }
}
