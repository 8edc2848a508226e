package io.nudge.feedback.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.feedback.PhoneOptIn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.OptInPhoneNumberRequest;
import software.amazon.awssdk.services.sns.model.OptInPhoneNumberResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

/** OptInPhoneNumber's answers: done, refused in AWS's words (without the number), or thrown for a retry. */
class SnsPhoneOptInTest {

    /** A hand-written SNS that records OptInPhoneNumber calls and throws what it is told to. */
    private static final class FakeSns implements SnsClient {
        final List<String> numbers = new ArrayList<>();
        RuntimeException failure;

        @Override
        public OptInPhoneNumberResponse optInPhoneNumber(OptInPhoneNumberRequest request) {
            numbers.add(request.phoneNumber());
            if (failure != null) {
                throw failure;
            }
            return OptInPhoneNumberResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }

    private static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).build();
    }

    @Test
    void opting_in_asks_sns_for_the_number() {
        FakeSns sns = new FakeSns();

        assertThat(new SnsPhoneOptIn(sns).optIn("+4915112345678")).isEqualTo(new PhoneOptIn.Result.OptedIn());
        assertThat(sns.numbers).containsExactly("+4915112345678");
    }

    @Test
    void a_refusal_is_an_answer_in_awss_words_without_the_number() {
        FakeSns sns = new FakeSns();
        sns.failure = InvalidParameterException.builder().statusCode(400)
                .awsErrorDetails(details("InvalidParameter", "Invalid parameter: Phone number +4915112345678 opted in less than 30 days ago"))
                .build();

        PhoneOptIn.Result result = new SnsPhoneOptIn(sns).optIn("+4915112345678");

        assertThat(result).isEqualTo(new PhoneOptIn.Result.Refused("Invalid parameter: Phone number <number> opted in less than 30 days ago"));
    }

    @Test
    void throttling_server_errors_and_missing_permissions_are_thrown_for_a_retry() {
        FakeSns sns = new FakeSns();
        SnsPhoneOptIn optIn = new SnsPhoneOptIn(sns);

        sns.failure = ThrottledException.builder().statusCode(400).awsErrorDetails(details("Throttling", "Rate exceeded")).build();
        assertThatThrownBy(() -> optIn.optIn("+4915112345678")).isInstanceOf(ThrottledException.class);
        sns.failure = SnsException.builder().statusCode(500).awsErrorDetails(details("InternalError", "oops")).build();
        assertThatThrownBy(() -> optIn.optIn("+4915112345678")).isInstanceOf(SnsException.class);
        sns.failure = SnsException.builder().statusCode(403).awsErrorDetails(details("AuthorizationError", "not authorized")).build();
        assertThatThrownBy(() -> optIn.optIn("+4915112345678")).isInstanceOf(SnsException.class);
    }
}
