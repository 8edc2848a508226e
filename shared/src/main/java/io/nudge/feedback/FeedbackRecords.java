package io.nudge.feedback;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.lambda.AsyncInvocation;
import io.nudge.lambda.PermanentFailure;
import java.util.List;
import java.util.Objects;

/**
 * process-feedback's records: an SNS notification's Message (SES events, inbound SMS) or a CloudWatch Logs event
 * (an SMS delivery receipt), parsed and applied; feedback that names no message is a permanent failure.
 */
public final class FeedbackRecords implements AsyncInvocation.Work<FeedbackResult> {
    private final FeedbackService feedback;

    public FeedbackRecords(FeedbackService feedback) {
        this.feedback = Objects.requireNonNull(feedback, "feedback");
    }

    @Override
    public FeedbackResult handle(AsyncInvocation.Record record) {
        Feedback parsed = record.kind() == AsyncInvocation.Kind.LOG_EVENT ? FeedbackParser.fromSmsDeliveryLog(record.body())
                : FeedbackParser.fromSnsMessage(record.body());
        return switch (feedback.apply(parsed)) {
            case FeedbackResult.Unmatched unmatched -> throw new PermanentFailure(unmatched.reason());
            case FeedbackResult result -> result;
        };
    }

    /** The function's result: {"applied","duplicates","ignored","deadLettered"}, each a count of records. */
    public static ObjectNode tally(List<AsyncInvocation.Handled<FeedbackResult>> handled) {
        return AsyncInvocation.tally(handled, result -> switch (result) {
            case FeedbackResult.Applied applied -> "applied";
            case FeedbackResult.Duplicate duplicate -> "duplicates";
            case FeedbackResult.Ignored ignored -> "ignored"; // SES Send events mostly: one per email
            case FeedbackResult.Unmatched unmatched -> "deadLettered"; // thrown by handle, never a result
        }, "applied", "duplicates", "ignored", "deadLettered");
    }
}
