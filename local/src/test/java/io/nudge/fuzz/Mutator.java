package io.nudge.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of real payloads: every choice comes from one seeded {@link SplittableRandom}, so a seed
 * replays the same corpus. Tree mutations keep the payload JSON (wrong types, huge or odd strings, unknown fields,
 * numbers out of range); text and byte mutations break it (truncation, deep nesting, invalid UTF-8).
 */
final class Mutator {
    static final int MEGABYTE = 1024 * 1024;
    static final int DEEP = 10_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that have broken parsers, paths, stores and logs elsewhere. */
    static final List<String> ODD_STRINGS = List.of(
            "", " ", "../../etc/passwd", "..%2f..%2fetc", "%2e%2e/%2e%2e", "a\u0000b", "\u0000", "line\nbreak\r\n",
            "\u202Eevil\u202C", "ユーザー", "🎉🎉", "\uD83D", "\uDC00x", "'; DROP TABLE users; --", "{{ 7 | times: 7 }}",
            "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>", "\\", "/", "%", "%00", "+", "a b", "\t",
            "x".repeat(2048), "é".repeat(129), "CON", "null", "true", "0", "-1", "1e309", "NaN");

    static final List<String> BAD_PHONES = List.of("+", "+0", "12", "+999999999999999999999", "phone", "+44 20 7946 0958 ext 9999999999",
            "++4915112345678", "+49 (0) 151 ☎", "0".repeat(300), "+1" + "2".repeat(40));
    static final List<String> BAD_EMAILS = List.of("@", "a@", "@b", "a@@b", "a b@c.d", "a@b\u0000c", "x".repeat(300) + "@x.com",
            "a@" + "b".repeat(300) + ".com", "<a@b.c>", "\"quoted\"@x", "a@b,c@d", "a@b\r\nBcc: c@d");
    static final List<String> BAD_ZONES = List.of("Mars/Olympus", "UTC+25", "+99:00", "Europe/", "../../etc/localtime", "GMT+1:2:3",
            "SystemV/EST5", "", "Europe/London\u0000");
    static final List<String> BAD_LOCALES = List.of("xx_YY_ZZ_", "-", "de--DE", "a", "en-" + "x".repeat(100), "🇩🇪", "de\u0000");
    static final List<String> BAD_NUMBERS = List.of("1e400", "-1e400", "1e-400", "9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890", "0.0000000000000000000001", "-0", "4.9e-324", "1" + "0".repeat(1000));

    final SplittableRandom random;

    Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** A string worth trying where a value is expected. */
    String oddString() {
        return switch (below(8)) {
            case 0 -> "x".repeat(MEGABYTE);
            case 1 -> pick(BAD_PHONES);
            case 2 -> pick(BAD_EMAILS);
            case 3 -> pick(BAD_ZONES);
            case 4 -> pick(BAD_LOCALES);
            default -> pick(ODD_STRINGS);
        };
    }

    /** A value of some other type, or a troublesome one of the same. */
    JsonNode oddValue() {
        return switch (below(13)) {
            case 12 -> nested(30 + below(34));
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextDouble() * 1e300);
            case 4 -> NODES.arrayNode().add(1).add("two").addNull();
            case 5 -> NODES.objectNode().put("unexpected", true);
            case 6 -> parseQuietly(pick(BAD_NUMBERS));
            case 7 -> NODES.arrayNode();
            case 8 -> NODES.objectNode();
            default -> NODES.textNode(oddString());
        };
    }

    /** One structural change somewhere in a copy of {@code seed}: replace, remove, or add a field or element. */
    JsonNode mutateTree(JsonNode seed) {
        JsonNode copy = seed.deepCopy();
        if (!copy.isContainerNode() || copy.isEmpty()) {
            return oddValue();
        }
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(copy, containers);
        JsonNode target = pick(containers);
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            switch (names.isEmpty() ? 0 : below(4)) {
                case 0 -> object.set(chance(50) ? "unknownField" : pick(ODD_STRINGS), oddValue());
                case 1 -> object.remove(pick(names));
                default -> object.set(pick(names), oddValue());
            }
        } else if (target instanceof ArrayNode array) {
            switch (array.isEmpty() ? 0 : below(3)) {
                case 0 -> array.add(oddValue());
                case 1 -> array.remove(below(array.size()));
                default -> array.set(below(array.size()), oddValue());
            }
        }
        return copy;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (!node.isContainerNode()) {
            return;
        }
        into.add(node);
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collectContainers(it.next(), into);
        }
    }

    /** Breaks the text of a JSON document. */
    String mutateText(String json) {
        return switch (below(10)) {
            case 0 -> json.substring(0, below(Math.max(1, json.length())));
            case 1 -> "";
            case 2 -> deepArray(DEEP);
            case 3 -> deepObject(DEEP);
            case 4 -> json + pick(List.of("}", "]", ",", " x", "{}", "\u0000"));
            case 5 -> "\uFEFF" + json;
            case 6 -> pick(List.of("null", "true", "1", "\"text\"", "[]", "[{}]", " ", "{\"a\":1,\"a\":2}", "{'single':'quotes'}",
                    "{\"n\":" + "9".repeat(2000) + "}", "{\"n\":1e99999}", "{\"s\":\"" + "x".repeat(MEGABYTE) + "\"}"));
            case 7 -> json.replaceFirst("\"", "");
            default -> {
                StringBuilder text = new StringBuilder(json);
                int at = below(text.length() + 1);
                text.insert(at, pick(List.of("{", "[", "\"", ":", "\\", "\\u12", "\\uZZZZ", ",,", "NaN", "Infinity")));
                yield text.toString();
            }
        };
    }

    /** Bytes that are not UTF-8 spliced into a document's bytes. */
    byte[] invalidUtf8(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        int at = below(bytes.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(bad[below(bad.length)]);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    /** Nesting Jackson's limit (64) lets through but DynamoDB's (32 levels) does not. */
    static JsonNode nested(int depth) {
        ObjectNode root = NODES.objectNode();
        ObjectNode at = root;
        for (int i = 1; i < depth; i++) {
            at = at.putObject("n");
        }
        at.put("leaf", 1);
        return root;
    }

    static String deepArray(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static String deepObject(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static JsonNode parseQuietly(String number) {
        try {
            return Json.parse(number);
        } catch (Exception outOfRange) {
            return NODES.textNode(number);
        }
    }
}
