package io.nudge.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SmsSegments;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.model.Event;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import io.nudge.store.AttributeValues;
import io.nudge.store.EventStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Renderer;
import io.nudge.template.TemplateParser;
import io.nudge.trigger.Condition;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerParser;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * Lambda SnapStart priming (CRaC): before the snapshot is taken, run the code every first invocation would otherwise
 * pay for — the DynamoDB client's marshalling, signing and HTTP path (one consistent read of a key that never exists:
 * nothing is written), Jackson, the trigger engine, and Liquid parsing and rendering — so a restored function starts
 * with those classes loaded and initialised. Nothing is needed after a restore: the SDK's HTTP client opens new
 * connections by itself.
 *
 * <p>Each function's no-argument constructor registers once: {@code Priming.register(services)}. Priming never fails a
 * snapshot: a step that throws is logged and skipped. On a JDK without CRaC registration is a no-op for the JDK, and
 * {@link #primeAll()} runs the same work on demand (the cold-start benchmark measures it that way).
 */
public final class Priming implements Resource {
    private static final Log LOG = Log.of(Priming.class);
    /** CRaC contexts may hold resources weakly: these keep them alive for as long as the function instance lives. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();
    private static final String EVENT = """
            {"id":"priming-event","userId":"priming-user","name":"order_shipped","timestamp":"2026-01-01T00:00:00Z",
             "properties":{"orderId":"A-1","total":42.5,"currency":"EUR","items":["sku-1","sku-2"],"lines":[{"name":"x","qty":1}]}}""";
    private static final String TRIGGER = """
            {"event":"order_shipped","channel":"email","template":"priming",
             "conditions":[{"path":"event.properties.total","op":"gte","value":10},
                           {"path":"event.properties.currency","op":"in","value":["EUR","USD"]},
                           {"path":"user.attributes.tier","op":"ne","value":"none"}]}""";
    private static final String EMAIL = """
            {"channel":"email","subject":"{{ user.attributes.first_name | default: \\"Hi\\" }}, order {{ event.properties.orderId }}",
             "html":"<p>{% for line in event.properties.lines %}{{ line.qty }} × {{ line.name | escape }}{% endfor %}</p><a href=\\"{{ unsubscribe_url }}\\">x</a>",
             "text":"{{ event.properties.total | round: 2 }} {{ event.properties.currency | upcase }}"}""";
    private static final String SMS = """
            {"channel":"sms","body":"{{ user.attributes.first_name | default: \\"Hi\\" }}: order {{ event.properties.orderId }} shipped"}""";

    private final Services services;

    private Priming(Services services) {
        this.services = services;
    }

    /** Registers priming of these services for the next snapshot and returns them, so a constructor can chain it. */
    public static Services register(Services services) {
        Priming priming = new Priming(services);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
        return services;
    }

    /** Runs every registered priming now, as beforeCheckpoint would. */
    public static void primeAll() {
        REGISTERED.forEach(Priming::prime);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing: clients reconnect on their own, and no state was captured that goes stale
    }

    void prime() {
        step("dynamodb", this::dynamoDb);
        step("json, triggers", Priming::triggers);
        step("templates", Priming::templates);
    }

    /**
     * A function whose role may not read Messages (the sweep, schedule-sends) gets AccessDenied: the request was still
     * built, signed, sent and its answer read, which is what priming is for.
     */
    private void dynamoDb() {
        try {
            services.dynamo().getItem(GetItemRequest.builder().tableName(services.tables().messages())
                    .key(Map.of("id", AttributeValues.s("priming-" + Ids.derive("priming", "none")))).consistentRead(true).build());
        } catch (AwsServiceException refused) {
            LOG.info("priming: DynamoDB answered with an error; the client is primed either way", "error", refused.getClass().getSimpleName());
        }
    }

    private static void triggers() throws Exception {
        JsonNode json = Json.MAPPER.readTree(EVENT);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("eventId", AttributeValues.s(json.get("id").textValue()));
        item.put("userId", AttributeValues.s(json.get("userId").textValue()));
        item.put("name", AttributeValues.s(json.get("name").textValue()));
        item.put("properties", AttributeValues.fromJson(json.get("properties")));
        item.put("timestamp", AttributeValues.s(Times.format(Instant.parse(json.get("timestamp").textValue()))));
        Event event = EventStore.fromItem(item);
        TriggerDefinition trigger = TriggerParser.fromStored("priming", (ObjectNode) Json.MAPPER.readTree(TRIGGER));
        ObjectNode context = EvaluationContext.of(event, UserProfile.bare(event.userId(), event.timestamp()));
        for (Condition condition : trigger.conditions()) {
            condition.test(context);
        }
        Json.write(context);
        Ids.derive("message", trigger.id(), event.id());
    }

    private static void templates() throws Exception {
        ObjectNode vars = Json.object();
        vars.set("user", EvaluationContext.user(UserProfile.bare("priming-user", Instant.EPOCH)));
        vars.set("event", Json.MAPPER.readTree(EVENT));
        vars.putObject("message").put("id", "priming").put("channel", "email");
        vars.put("unsubscribe_url", "https://example.invalid/u");
        CompiledTemplate email = TemplateParser.parse("priming", Json.MAPPER.readTree(EMAIL));
        Renderer.render(email, "en", vars);
        CompiledTemplate sms = TemplateParser.parse("priming", Json.MAPPER.readTree(SMS));
        Renderer.render(sms, null, vars);
        SmsSegments.count("priming");
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            LOG.warn("priming step skipped", "step", name, "error", e.getClass().getSimpleName());
        }
    }
}
