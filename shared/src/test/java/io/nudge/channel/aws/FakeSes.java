package io.nudge.channel.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

/** A hand-written SES: records every request, answers with a message id or throws what it was told to. */
final class FakeSes implements SesV2Client {
    final List<SendEmailRequest> requests = new ArrayList<>();
    private RuntimeException failure;
    private String messageId = "0100018f-ses-message-id";

    FakeSes failingWith(RuntimeException failure) {
        this.failure = failure;
        return this;
    }

    FakeSes answering(String messageId) {
        this.messageId = messageId;
        return this;
    }

    @Override
    public SendEmailResponse sendEmail(SendEmailRequest request) {
        requests.add(request);
        if (failure != null) {
            throw failure;
        }
        return SendEmailResponse.builder().messageId(messageId).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
