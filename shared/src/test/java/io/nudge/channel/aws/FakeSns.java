package io.nudge.channel.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointRequest;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointResponse;
import software.amazon.awssdk.services.sns.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sns.model.DeleteEndpointResponse;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * A hand-written SNS: records every publish and endpoint call, answers with a message id / endpoint ARN or throws
 * what it was told to.
 */
final class FakeSns implements SnsClient {
    final List<PublishRequest> requests = new ArrayList<>();
    final List<CreatePlatformEndpointRequest> createEndpointRequests = new ArrayList<>();
    final List<DeleteEndpointRequest> deleteEndpointRequests = new ArrayList<>();
    private String endpointArn = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/nudge-android/5e3c2a1b-0d9f-3e4a-8b7c-6d5e4f3a2b1c";
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

    FakeSns answeringEndpoint(String endpointArn) {
        this.endpointArn = endpointArn;
        return this;
    }

    @Override
    public CreatePlatformEndpointResponse createPlatformEndpoint(CreatePlatformEndpointRequest request) {
        createEndpointRequests.add(request);
        if (failure != null) {
            throw failure;
        }
        return CreatePlatformEndpointResponse.builder().endpointArn(endpointArn).build();
    }

    @Override
    public DeleteEndpointResponse deleteEndpoint(DeleteEndpointRequest request) {
        deleteEndpointRequests.add(request);
        if (failure != null) {
            throw failure;
        }
        return DeleteEndpointResponse.builder().build();
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
