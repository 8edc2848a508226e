package io.nudge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.ingest.IngestResult;
import io.nudge.json.Json;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every route class reads from a request and answers with: ids and bodies checked with the field named
 * (a JSON pointer for body fields), and the list, found, saved and deleted answers, so one resource answers like another.
 */
final class RouteSupport {
    private RouteSupport() {}

    /** Ids of admin documents (triggers, templates, segments, campaigns, keys). */
    static String adminId(String id) {
        if (!Ids.isAdminId(id)) {
            throw InvalidInputException.invalid("id", "ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        return id;
    }

    /** User and event ids from a path: what ingest accepts, so a lookup never sends DynamoDB an impossible key. */
    static String clientId(String id, String field) {
        if (!Ids.isClientId(id)) {
            throw InvalidInputException.invalid(field, field + " must be 1-128 printable characters");
        }
        return id;
    }

    /** The body as JSON: present, UTF-8 and well formed, or a 400 that says which. */
    static JsonNode body(ApiRequest request) throws JsonProcessingException {
        byte[] bytes = request.body().orElse(new byte[0]);
        if (bytes.length == 0) {
            throw new InvalidInputException("missing_body", null, "this request needs a JSON body");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("invalid_encoding", null, "the body is not valid UTF-8");
        }
        return Json.parse(text);
    }

    /** A body that must be an object holding only {@code fields}. */
    static ObjectNode object(ApiRequest request, Set<String> fields) throws JsonProcessingException {
        ObjectNode body = Fields.requireObject(body(request), "");
        Fields.rejectUnknown(body, fields, "");
        return body;
    }

    /** A body that may be left out; when sent, an object holding only {@code fields}. */
    static Optional<ObjectNode> optionalObject(ApiRequest request, Set<String> fields) throws JsonProcessingException {
        return request.body().map(b -> b.length > 0).orElse(false) ? Optional.of(object(request, fields)) : Optional.empty();
    }

    /** The {@code limit} query parameter, 1 to {@code max}. */
    static int limit(ApiRequest request, int fallback, int max) {
        int limit = Optional.ofNullable(request.query().get("limit")).map(l -> {
            try {
                return Integer.parseInt(l);
            } catch (NumberFormatException e) {
                return -1;
            }
        }).orElse(fallback);
        if (limit < 1 || limit > max) {
            throw InvalidInputException.invalid("limit", "limit must be a number from 1 to " + max);
        }
        return limit;
    }

    /** The {@code from} and {@code to} query parameters of a stats report; either may be left out (null). */
    record Days(LocalDate from, LocalDate to) {}

    static Days days(ApiRequest request) {
        LocalDate from = day(request, "from");
        LocalDate to = day(request, "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw InvalidInputException.invalid("from", "from must not be after to");
        }
        return new Days(from, to);
    }

    private static LocalDate day(ApiRequest request, String name) {
        String value = request.query().get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw InvalidInputException.invalid(name, name + " must be a date YYYY-MM-DD");
        }
    }

    /** {@code "rejected": [{"index", "error": {"code", "message", "field"}}]} of a batch, in the API's error shape. */
    static void putRejected(ObjectNode json, List<IngestResult.Rejected> rejected) {
        ArrayNode list = json.putArray("rejected");
        for (IngestResult.Rejected r : rejected) {
            ObjectNode item = list.addObject();
            item.put("index", r.index());
            ObjectNode error = item.putObject("error");
            error.put("code", r.error().code());
            error.put("message", r.error().getMessage());
            if (r.error().field() != null) {
                error.put("field", r.error().field());
            }
        }
    }

    /** {@code {"<field>": [...docs]}}. */
    static ApiResponse list(String field, List<? extends JsonNode> docs) {
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray(field);
        docs.forEach(list::add);
        return ApiResponse.json(200, json);
    }

    /** 201 for a new document, 200 for a replaced one. */
    static ApiResponse saved(boolean created, ObjectNode document) {
        return ApiResponse.json(created ? 201 : 200, document);
    }

    static ApiResponse found(Optional<? extends JsonNode> doc, String what) {
        return doc.map(d -> ApiResponse.json(200, d)).orElseGet(() -> notFound("no such " + what));
    }

    static ApiResponse deleted(boolean existed, String what) {
        return existed ? ApiResponse.noContent() : notFound("no such " + what);
    }

    static ApiResponse notFound(String message) {
        return ApiResponse.error(404, "not_found", message, null);
    }
}
