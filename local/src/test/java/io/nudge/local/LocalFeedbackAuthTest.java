package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.json.Json;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local runner's feedback routes are not public: the same refusals as the API's admin routes, and no effect. */
class LocalFeedbackAuthTest {

    @Test
    void the_local_feedback_routes_refuse_every_caller_but_an_admin_key_before_reaching_process_feedback() throws Exception {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(MutableClock.at("2026-11-24T09:00:00Z")).build();
        ApiKeys keys = services.apiKeys();
        String admin = keys.create("admin", Scope.ADMIN).secret();
        String ingest = keys.create("backend", Scope.INGEST).secret();
        var gone = keys.create("gone", Scope.ADMIN);
        keys.revoke(gone.key().id());
        AtomicInteger invoked = new AtomicInteger();
        LocalFeedbackEndpoints endpoints = new LocalFeedbackEndpoints(keys, (in, out, context) -> {
            invoked.incrementAndGet();
            out.write("{\"batchItemFailures\":[]}".getBytes(StandardCharsets.UTF_8));
        });
        byte[] body = "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}".getBytes(StandardCharsets.UTF_8);

        Map<String, Map<String, String>> refused = new LinkedHashMap<>();
        refused.put("no key", Map.of());
        refused.put("malformed", Map.of("authorization", "Basic " + admin));
        refused.put("control characters", Map.of("authorization", "Bearer \u0000" + admin));
        refused.put("unknown key", Map.of("authorization", "Bearer nudge_" + "b".repeat(52)));
        refused.put("revoked key", Map.of("authorization", "Bearer " + gone.secret()));
        for (String path : List.of("/local/sns", "/local/cloudwatch-logs")) {
            for (var caller : refused.entrySet()) {
                LocalFeedbackEndpoints.Response response = endpoints.handle("POST", path, caller.getValue(), body);
                assertThat(response.status()).as(path + " with " + caller.getKey()).isEqualTo(401);
                assertThat(Json.parse(response.body()).at("/error/code").asText()).isEqualTo("unauthorized");
            }
            LocalFeedbackEndpoints.Response wrongScope = endpoints.handle("POST", path, Map.of("authorization", "Bearer " + ingest), body);
            assertThat(wrongScope.status()).isEqualTo(403);
            assertThat(Json.parse(wrongScope.body()).at("/error/code").asText()).isEqualTo("forbidden");
        }
        assertThat(invoked).hasValue(0);

        assertThat(endpoints.handle("POST", "/local/cloudwatch-logs", Map.of("authorization", "Bearer " + admin), body).status())
                .isEqualTo(200);
        assertThat(invoked).hasValue(1);
    }
}
