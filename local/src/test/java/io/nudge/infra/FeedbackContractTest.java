package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.FEEDBACK_QUEUE;
import static io.nudge.infra.TemplateFixture.OPT_IN_ACTION;
import static io.nudge.infra.TemplateFixture.PROCESS_FEEDBACK;
import static io.nudge.infra.TemplateFixture.SES_EVENT_TYPES;
import static io.nudge.infra.TemplateFixture.SES_TOPIC;
import static io.nudge.infra.TemplateFixture.SES_TOPIC_KEY;
import static io.nudge.infra.TemplateFixture.SMS_DELIVERY_LOG_GROUPS;
import static io.nudge.infra.TemplateFixture.SMS_STATUS_ROLE;
import static io.nudge.infra.TemplateFixture.grants;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.store.TableDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** template.yaml for feedback: SES events, SMS receipts and inbound SMS reach process-feedback, and only them. */
class FeedbackContractTest {
    @Test
    void process_feedback_grants_are_exactly_what_feedback_does() {
        assertThat(grants(PROCESS_FEEDBACK)).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_PROVIDER_ID,
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable",
                "Allow dynamodb:Query UsersTable/index/" + TableDefinitions.USERS_BY_PHONE,
                "Allow dynamodb:GetItem SuppressionsTable", "Allow dynamodb:PutItem SuppressionsTable",
                // the feedback ledger: claim (put), complete (update), release after a transient failure (delete)
                "Allow dynamodb:GetItem StateTable", "Allow dynamodb:PutItem StateTable", "Allow dynamodb:UpdateItem StateTable",
                "Allow dynamodb:DeleteItem StateTable",
                "Allow dynamodb:UpdateItem StatsTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                // the stream out: which types subscriptions want, and the events of feedback and consent changes
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:Query DefinitionsTable",
                "Allow dynamodb:PutItem OutboundTable",
                "Allow " + OPT_IN_ACTION + " *");
    }

    @Test
    void every_ses_event_of_the_configuration_set_reaches_process_feedback_through_one_topic() {
        Map<String, JsonNode> destinations = template.resources("AWS::SES::ConfigurationSetEventDestination");
        assertThat(destinations).as("configuration set event destinations").hasSize(1);
        JsonNode properties = destinations.values().iterator().next().path("Properties");
        assertThat(SamTemplate.ref(properties.path("ConfigurationSetName"))).contains("SesConfigurationSet");
        JsonNode destination = properties.path("EventDestination");
        assertThat(destination.path("Enabled").asBoolean(false)).as("Enabled").isTrue();
        assertThat(SamTemplate.asList(destination.path("MatchingEventTypes"))).map(JsonNode::asText)
                .as("MatchingEventTypes: every SESv2 event type").containsExactlyInAnyOrderElementsOf(SES_EVENT_TYPES);
        assertThat(SamTemplate.ref(destination.path("SnsDestination").path("TopicARN"))).as("SnsDestination.TopicARN").contains(SES_TOPIC);
        assertThat(destination.fieldNames()).toIterable().as("one destination only")
                .containsExactlyInAnyOrder("Name", "Enabled", "MatchingEventTypes", "SnsDestination");

        assertThat(template.resource(SES_TOPIC).path("Type").asText()).isEqualTo("AWS::SNS::Topic");
        Map<String, JsonNode> subscribers = new TreeMap<>();
        template.functions().keySet().forEach(function -> template.events(function, "SNS").values().stream()
                .filter(p -> SamTemplate.ref(p.path("Topic")).filter(SES_TOPIC::equals).isPresent())
                .forEach(p -> subscribers.put(function, p)));
        assertThat(subscribers.keySet()).as("subscribers of %s", SES_TOPIC).containsExactly(PROCESS_FEEDBACK);
        assertThat(subscribers.get(PROCESS_FEEDBACK).has("FilterPolicy")).as("every event type is delivered").isFalse();
        assertThat(template.resources("AWS::SNS::Subscription").values())
                .as("no other subscription to %s", SES_TOPIC)
                .noneMatch(sub -> SamTemplate.ref(sub.path("Properties").path("TopicArn")).filter(SES_TOPIC::equals).isPresent());
    }

    @Test
    void only_ses_of_this_account_may_publish_to_the_ses_events_topic() {
        Map<String, JsonNode> policies = new TreeMap<>();
        template.resources("AWS::SNS::TopicPolicy").forEach((id, policy) -> {
            if (SamTemplate.asList(policy.path("Properties").path("Topics")).stream()
                    .anyMatch(t -> SamTemplate.ref(t).filter(SES_TOPIC::equals).isPresent())) {
                policies.put(id, policy.path("Properties"));
            }
        });
        assertThat(policies).as("topic policies of %s", SES_TOPIC).hasSize(1);
        JsonNode policy = policies.values().iterator().next();
        assertThat(SamTemplate.asList(policy.path("Topics"))).as("the policy covers that topic only").hasSize(1);
        List<JsonNode> statements = SamTemplate.asList(policy.path("PolicyDocument").path("Statement"));
        assertThat(statements).isNotEmpty().allSatisfy(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(s.has("NotPrincipal") || s.has("NotAction") || s.has("NotResource")).isFalse();
            assertThat(s.path("Principal").fieldNames()).toIterable().containsExactly("Service");
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("ses.amazonaws.com");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText).containsExactly("sns:Publish");
            assertThat(SamTemplate.asList(s.path("Resource"))).singleElement()
                    .satisfies(r -> assertThat(SamTemplate.ref(r)).contains(SES_TOPIC));
            assertThat(s.path("Condition").fieldNames()).toIterable().containsExactly("StringEquals");
            assertThat(SamTemplate.ref(s.path("Condition").path("StringEquals").path("aws:SourceAccount")))
                    .as("aws:SourceAccount").contains("AWS::AccountId");
        });
        assertThat(template.resources("AWS::SES::ConfigurationSetEventDestination").values())
                .as("the destination waits for the policy").allSatisfy(d -> assertThat(SamTemplate.asList(d.path("DependsOn")))
                        .map(JsonNode::asText).contains(policies.keySet().iterator().next()));
    }

    @Test
    void the_ses_events_topic_is_encrypted_with_a_key_ses_of_this_account_may_use() {
        JsonNode topic = template.resource(SES_TOPIC).path("Properties");
        assertThat(SamTemplate.getAtt(topic.path("KmsMasterKeyId"), "Arn")).as("KmsMasterKeyId (not alias/aws/sns: SES cannot use it)")
                .contains(SES_TOPIC_KEY);
        JsonNode key = template.resource(SES_TOPIC_KEY);
        assertThat(key.path("Type").asText()).isEqualTo("AWS::KMS::Key");
        assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean(false)).as("key rotation").isTrue();
        List<JsonNode> services = SamTemplate.asList(key.path("Properties").path("KeyPolicy").path("Statement")).stream()
                .filter(s -> s.path("Principal").has("Service")).toList();
        assertThat(services).singleElement().satisfies(s -> {
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("ses.amazonaws.com");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText)
                    .containsExactlyInAnyOrder("kms:GenerateDataKey*", "kms:Decrypt");
            assertThat(SamTemplate.ref(s.path("Condition").path("StringEquals").path("aws:SourceAccount")))
                    .as("aws:SourceAccount").contains("AWS::AccountId");
        });
        assertThat(SamTemplate.asList(key.path("Properties").path("KeyPolicy").path("Statement")))
                .as("every other principal is this account").filteredOn(s -> !s.path("Principal").has("Service"))
                .allSatisfy(s -> assertThat(SamTemplate.text(s.path("Principal").path("AWS")))
                        .isEqualTo("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"));
    }

    @Test
    void sms_delivery_status_log_groups_are_created_and_subscribed_by_process_feedback_only() {
        Map<String, JsonNode> groups = template.resources("AWS::Logs::LogGroup");
        SMS_DELIVERY_LOG_GROUPS.forEach((id, name) -> {
            assertThat(groups).as("log groups").containsKey(id);
            assertThat(SamTemplate.text(groups.get(id).path("Properties").path("LogGroupName"))).as("%s name (SNS chooses it)", id)
                    .isEqualTo(name);
        });
        Map<String, String> subscriptions = new TreeMap<>();
        template.functions().keySet().forEach(function -> template.events(function, "CloudWatchLogs").forEach((event, p) -> {
            subscriptions.put(SamTemplate.ref(p.path("LogGroupName")).orElse(SamTemplate.text(p.path("LogGroupName"))), function);
            assertThat(p.path("FilterPattern").asText("missing")).as("%s.%s FilterPattern: every receipt", function, event).isEmpty();
        }));
        assertThat(subscriptions).as("log group -> subscribed function (SAM adds the logs.amazonaws.com permission)")
                .containsExactlyInAnyOrderEntriesOf(SMS_DELIVERY_LOG_GROUPS.keySet().stream()
                        .collect(Collectors.toMap(g -> g, g -> PROCESS_FEEDBACK)));
        assertThat(template.resources("AWS::Logs::SubscriptionFilter")).as("hand-written subscription filters").isEmpty();
    }

    @Test
    void sns_may_only_write_sms_delivery_status_to_those_log_groups_with_its_role() {
        JsonNode role = template.resource(SMS_STATUS_ROLE).path("Properties");
        List<JsonNode> trust = SamTemplate.asList(role.path("AssumeRolePolicyDocument").path("Statement"));
        assertThat(trust).singleElement().satisfies(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText).containsExactly("sts:AssumeRole");
            assertThat(s.path("Principal").fieldNames()).toIterable().containsExactly("Service");
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("sns.amazonaws.com");
        });
        assertThat(role.has("ManagedPolicyArns")).as("%s managed policies", SMS_STATUS_ROLE).isFalse();
        Set<String> expected = new java.util.TreeSet<>();
        for (String group : SMS_DELIVERY_LOG_GROUPS.keySet()) {
            for (String action : List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")) {
                expected.add("Allow " + action + " " + group);
            }
        }
        assertThat(grants(SMS_STATUS_ROLE)).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode output = template.root.path("Outputs").path("SmsDeliveryStatusRoleArn").path("Value");
        assertThat(SamTemplate.getAtt(output, "Arn")).as("Outputs.SmsDeliveryStatusRoleArn").contains(SMS_STATUS_ROLE);
    }

    @Test
    void inbound_sms_reach_process_feedback_only_when_a_two_way_topic_is_given() {
        JsonNode parameter = template.root.path("Parameters").path("InboundSmsTopicArn");
        assertThat(parameter.path("Default").isTextual() && parameter.path("Default").asText().isEmpty()).as("optional: default ''").isTrue();
        assertThat("").matches(parameter.path("AllowedPattern").asText());
        assertThat("arn:aws:sns:eu-west-1:123456789012:inbound-sms").matches(parameter.path("AllowedPattern").asText());
        JsonNode condition = template.root.path("Conditions").path("HasInboundSmsTopic").path("Fn::Not").path(0).path("Fn::Equals");
        assertThat(SamTemplate.ref(condition.path(0))).contains("InboundSmsTopicArn");
        assertThat(condition.path(1).asText("x")).isEmpty();

        List<String> uses = new ArrayList<>();
        template.root.path("Resources").properties().forEach(entry -> {
            if (entry.getValue().path("Properties").toString().contains("\"Ref\":\"InboundSmsTopicArn\"")) {
                uses.add(entry.getKey());
                assertThat(entry.getValue().path("Condition").asText()).as("%s Condition", entry.getKey()).isEqualTo("HasInboundSmsTopic");
            }
        });
        Map<String, JsonNode> subscriptions = template.resources("AWS::SNS::Subscription");
        Map<String, JsonNode> permissions = template.resources("AWS::Lambda::Permission");
        assertThat(subscriptions).hasSize(1);
        assertThat(permissions).hasSize(1);
        assertThat(uses).containsExactlyInAnyOrder(subscriptions.keySet().iterator().next(), permissions.keySet().iterator().next());
        JsonNode subscription = subscriptions.values().iterator().next().path("Properties");
        assertThat(subscription.path("Protocol").asText()).isEqualTo("lambda");
        assertThat(SamTemplate.ref(subscription.path("TopicArn"))).contains("InboundSmsTopicArn");
        assertThat(SamTemplate.ref(subscription.path("Endpoint"))).as("the live alias").contains(PROCESS_FEEDBACK + ".Alias");
        JsonNode permission = permissions.values().iterator().next().path("Properties");
        assertThat(permission.path("Action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(permission.path("Principal").asText()).isEqualTo("sns.amazonaws.com");
        assertThat(SamTemplate.ref(permission.path("FunctionName"))).contains(PROCESS_FEEDBACK + ".Alias");
        assertThat(SamTemplate.ref(permission.path("SourceArn"))).as("only that topic").contains("InboundSmsTopicArn");
    }

    @Test
    void process_feedback_retries_a_failed_notification_twice_then_keeps_it_in_a_queue() {
        JsonNode properties = template.resource(PROCESS_FEEDBACK).path("Properties");
        assertThat(SamTemplate.text(properties.path("CodeUri"))).isEqualTo("functions/process-feedback/target/process-feedback.jar");
        assertThat(properties.path("Handler").asText()).isEqualTo("io.nudge.functions.feedback.ProcessFeedbackHandler::handleRequest");
        assertThat(template.functionProperty(PROCESS_FEEDBACK, "AutoPublishAlias").asText()).isEqualTo("live");
        JsonNode async = properties.path("EventInvokeConfig");
        assertThat(async.path("MaximumRetryAttempts").asInt(-1)).as("MaximumRetryAttempts").isBetween(0, 2);
        assertThat(async.path("MaximumEventAgeInSeconds").asInt(-1)).as("MaximumEventAgeInSeconds").isBetween(60, 21_600);
        assertThat(async.path("DestinationConfig").path("OnFailure").path("Type").asText()).isEqualTo("SQS");
        assertThat(SamTemplate.getAtt(async.path("DestinationConfig").path("OnFailure").path("Destination"), "Arn")).contains(FEEDBACK_QUEUE);
        JsonNode queue = template.resource(FEEDBACK_QUEUE);
        assertThat(queue.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
        assertThat(queue.path("Properties").path("SqsManagedSseEnabled").asBoolean(false)).as("queue SSE (payloads hold addresses)").isTrue();
        assertThat(queue.path("Properties").path("MessageRetentionPeriod").asInt()).as("queue retention").isEqualTo(1_209_600);
        assertThat(template.events(PROCESS_FEEDBACK, "DynamoDB")).as("process-feedback reads no stream").isEmpty();
    }
}
