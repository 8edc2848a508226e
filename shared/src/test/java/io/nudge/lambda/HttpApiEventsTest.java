package io.nudge.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.nudge.api.ApiResponse;
import org.junit.jupiter.api.Test;

class HttpApiEventsTest {

    @Test
    void a_429_keeps_its_retry_after_header_and_json_body_in_the_payload_2_response() {
        ApiResponse limited = ApiResponse.error(429, "rate_limited", "slow down", null).withHeader("retry-after", "7");

        APIGatewayV2HTTPResponse response = HttpApiEvents.toResponse(limited);

        assertThat(response.getStatusCode()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("retry-after", "7").containsEntry("content-type", "application/json");
        assertThat(response.getBody()).contains("\"code\":\"rate_limited\"");
        assertThat(response.getIsBase64Encoded()).isFalse();
    }
}
