package io.nudge.channel.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** A hand-written SNS: records every publish, answers with a message id or throws what it was told to. */
final class FakeSns implements SnsClient {
    final List<PublishRequest> requests = new ArrayList<>();
    private RuntimeException failure;
    private String messageId = "5a1b2c3d-sns-message-id";

    FakeSns failingWith(RuntimeException failure) {
        this.failure = failure;
        return this;
    }

    FakeSns answering(String messageId) {
        this.messageId = messageId;
        return this;
    }

    @Override
    public PublishResponse publish(PublishRequest request) {
        requests.add(request);
        if (failure != null) {
            throw failure;
        }
        return PublishResponse.builder().messageId(messageId).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
