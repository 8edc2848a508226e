package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;

/** What the route tests assert of an answer: a 200 and its JSON, or a 400 naming the field. */
final class ApiAnswers {
    private ApiAnswers() {}

    static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    static void assertField(ApiResponse response, String field) {
        assertError(response, 400, field);
    }

    static void assertError(ApiResponse response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(json(response).at("/error/field").asText()).as(response.body()).isEqualTo(field);
    }

    static JsonNode json(ApiResponse response) {
        try {
            return Json.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
