package io.nudge.feedback.aws;

import io.nudge.aws.Failures;
import io.nudge.feedback.PhoneOptIn;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;

/**
 * SNS {@code OptInPhoneNumber}. A 4xx answer other than throttling is AWS refusing (the number was opted in within
 * the last 30 days, or is not a number it knows): returned as {@link PhoneOptIn.Result.Refused}. Throttling, 5xx,
 * 401/403 (our role lacks {@code sns:OptInPhoneNumber}) and network failures are thrown: the feedback is retried.
 */
public final class SnsPhoneOptIn implements PhoneOptIn {
    private static final Pattern DIGITS = Pattern.compile("\\+?\\d[\\d ().-]{5,18}\\d");

    private final SnsClient sns;

    public SnsPhoneOptIn(SnsClient sns) {
        this.sns = Objects.requireNonNull(sns, "sns");
    }

    @Override
    public Result optIn(String e164) {
        Objects.requireNonNull(e164, "e164");
        try {
            sns.optInPhoneNumber(r -> r.phoneNumber(e164));
            return new Result.OptedIn();
        } catch (InvalidParameterException | InvalidParameterValueException refused) {
            return new Result.Refused(words(refused));
        } catch (AwsServiceException e) {
            if (!Failures.isThrottling(e) && e.statusCode() >= 400 && e.statusCode() < 500 && e.statusCode() != 401 && e.statusCode() != 403) {
                return new Result.Refused(words(e));
            }
            throw e;
        }
    }

    /** AWS's words without the number. */
    private static String words(AwsServiceException e) {
        String words = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getClass().getSimpleName();
        words = DIGITS.matcher(words).replaceAll("<number>").replaceAll("[\\r\\n\\t]+", " ").strip();
        return words.length() <= 200 ? words : words.substring(0, 199) + "…";
    }
}
