package io.nudge.functions.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.nudge.feedback.FeedbackRecords;
import io.nudge.feedback.FeedbackService;
import io.nudge.json.Json;
import io.nudge.lambda.AsyncInvocation;
import io.nudge.store.DeadLetterStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Two inputs, one function: SNS (SES events from the configuration set's event destination; inbound SMS from the
 * two-way number's topic) and a CloudWatch Logs subscription (SMS delivery receipts), both asynchronous: see
 * {@link AsyncInvocation} for what happens to a record that fails. The result tallies what each record did.
 */
public final class ProcessFeedbackHandler implements RequestStreamHandler {
    /** The tables only: OptInPhoneNumber needs no configuration. */
    public static final List<String> ENVIRONMENT = LambdaEnvironment.COMMON_ENVIRONMENT;
    static final String SOURCE = "process-feedback";

    private final FeedbackRecords records;
    private final AsyncInvocation invocation;

    public ProcessFeedbackHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private ProcessFeedbackHandler(Services services, Map<String, String> env) {
        this(LambdaEnvironment.feedback(services, env), services.deadLetters(), services.clock());
    }

    public ProcessFeedbackHandler(FeedbackService feedback, DeadLetterStore deadLetters, Clock clock) {
        this.records = new FeedbackRecords(feedback);
        this.invocation = new AsyncInvocation(SOURCE, deadLetters, clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var handled = invocation.records(new String(input.readAllBytes(), StandardCharsets.UTF_8),
                "neither an SNS event nor a CloudWatch Logs subscription event", records);
        output.write(Json.write(FeedbackRecords.tally(handled)).getBytes(StandardCharsets.UTF_8));
    }
}
