package io.nudge.privacy;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.channel.PushEndpoints;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.DeliverService;
import io.nudge.deliver.DeliveryResult;
import io.nudge.evaluate.EvaluateService;
import io.nudge.evaluate.Evaluation;
import io.nudge.feedback.FeedbackParser;
import io.nudge.feedback.FeedbackService;
import io.nudge.feedback.PhoneOptIn;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.RateLimits;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.ratelimit.RateLimit;
import io.nudge.ratelimit.SharedRateLimiter;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Erasure cannot forget a kind of record: every writer of the State table is driven for one user (Ada), and every key
 * prefix found must be declared by an owner {@link PersonalData} asks, or in {@link WithoutPersonalData} with its
 * reason. After Ada is erased, nothing naming her is left but the records their owners keep on purpose.
 */
class StateRecordsTest {
    private static final String ADA = "ada";
    /** Written by the local runner only (the module cannot be driven from here); declared all the same. */
    private static final Set<String> LOCAL_ONLY = Set.of("local");
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private PersonalData personalData;

    @BeforeEach
    void every_writer_writes_for_ada() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        personalData = services.personalData(PushEndpoints.notConfigured());
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("mail", json("{'channel':'email','subject':'Hi','text':'x'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'mail','reentry':'once_per:P7D',"
                + "'conversion':{'event':'purchase_completed','within':'P3D'}}"));
        // a journey whose goal does not end it: its conversion is marked once per instance
        new io.nudge.journey.JourneyService(services.definitions(), clock).put("onboarding", json("{'name':'Onboarding',"
                + "'entry':{'event':'signed_up'},'conversion':{'event':'purchase_completed','within':'P3D','exit':false},"
                + "'start':'wait','steps':{'wait':{'type':'wait_for','event':'project_created','timeout':'P1D'}}}"));
        services.segments().put("pro", json("{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}"));
        services.campaigns(new RecordingScheduler(), request -> {}).put("digest", json("{'segment':'pro','channel':'email',"
                + "'variants':[{'id':'A','template':'mail','weight':100}],'holdout':50,"
                + "'schedule':{'expression':'rate(7 days)','timezone':'UTC'},'goal':{'event':'purchase_completed','within':'P7D'}}"));
        UserService users = new UserService(services.users(), clock);
        users.upsert(ADA, json("{'email':'" + Samples.EMAIL + "','phone':'" + Samples.PHONE + "','attributes':{'plan':'pro'},"
                + "'consent':{'email':'opted_in','sms':'opted_in'}}"));
        // a topic choice: the person's choice log
        new UserService(services.users(), clock, PushEndpoints.notConfigured(), io.nudge.outbound.Outbound.none(), services.topicStats())
                .upsert(ADA, json("{'subscriptions':{'digest':{'email':'unsubscribed'}}}"));
        // others in the campaign, so that some arm is the holdout whatever Ada's is
        for (int i = 0; i < 10; i++) {
            users.upsert("u" + i, json("{'email':'u" + i + "@example.com','attributes':{'plan':'pro'}}"));
        }

        // a campaign run: holdout and goal records, checkpoints
        CampaignRunService.Outcome run = services.campaignRun(request -> {}, io.nudge.wiring.CampaignRunSettings.of(1)).run(new CampaignRunner.Request("digest", "r1"),
                () -> Long.MAX_VALUE);
        assertThat(run).isNotNull();

        // a trigger with a once_per window and a conversion goal; activity counters; a delivery with caps and rate limits
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        DeliverService deliver = services.deliver(io.nudge.channel.Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), new GuardSettings(
                GuardSettings.defaults().quietHours(), GuardSettings.defaults().defaultZone(), GuardSettings.defaults().caps(),
                Map.of(Channel.EMAIL, new RateLimits.Limit(10, 1000))));
        deliver.refreshDefinitions();
        Evaluation signedUp = evaluate.evaluate(event("e1", "signed_up"));
        String welcome = ((Evaluation.Matched) signedUp.decisions().get(0)).messageId();
        assertThat(deliver.deliver(services.messages().find(welcome).orElseThrow())).isInstanceOf(DeliveryResult.Sent.class);
        clock.advance(Duration.ofHours(1));
        evaluate.evaluate(event("e2", "purchase_completed"));

        // provider feedback about a message of hers: a soft bounce, an open, a click, and an inbound START
        sentToAda();
        FeedbackService feedback = services.feedback(e164 -> new PhoneOptIn.Result.OptedIn());
        for (String sample : List.of("sns-ses-bounce-transient.json", "sns-ses-open.json", "sns-ses-click.json",
                "sns-inbound-start.json")) {
            feedback.apply(FeedbackParser.fromSnsMessage(Samples.snsMessage(sample)));
        }

        // the API's shared rate limit per key
        new SharedRateLimiter(services.dynamo(), services.tables().state(), clock).acquire("key1", RateLimit.DEFAULT);
    }

    private Event event(String id, String name) {
        Event event = new Event(id, ADA, name, Json.object(), clock.instant(), clock.instant());
        services.events().putIfAbsent(event);
        return event;
    }

    /** A message as deliver leaves it after SES accepted it, with the ids the feedback samples carry. */
    private void sentToAda() {
        Instant at = clock.instant().minusSeconds(5);
        Message message = new Message(Samples.MESSAGE_ID, ADA, "welcome", "e1", Channel.EMAIL, Priority.MARKETING, "mail",
                MessageStatus.SENT, Optional.empty(), Json.object(), Optional.of(Samples.EMAIL), Optional.empty(),
                Optional.of(Samples.SES_MESSAGE_ID), Optional.of(at), Optional.empty(), at,
                List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", at), new HistoryEntry(MessageStatus.SENT, null, at)));
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(message)));
    }

    private List<Map<String, AttributeValue>> state() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        services.dynamo().scanPaginator(b -> b.tableName(services.tables().state()).consistentRead(true)).items().forEach(items::add);
        return items;
    }

    private static String prefix(Map<String, AttributeValue> item) {
        String pk = item.get("pk").s();
        return pk.contains("#") ? pk.substring(0, pk.indexOf('#')) : pk;
    }

    private Set<String> ownedPrefixes() {
        Set<String> owned = new TreeSet<>();
        personalData.records().forEach(owner -> owned.addAll(owner.statePrefixes()));
        return owned;
    }

    private Set<String> declaredPrefixes() {
        Set<String> declared = new TreeSet<>(ownedPrefixes());
        declared.addAll(WithoutPersonalData.STATE_PREFIXES.keySet());
        return declared;
    }

    @Test
    void every_prefix_in_the_state_table_has_an_owner_or_is_declared_without_personal_data() {
        Set<String> found = new TreeSet<>();
        state().forEach(item -> found.add(prefix(item)));

        Set<String> undeclared = new TreeSet<>(found);
        undeclared.removeAll(declaredPrefixes());
        assertThat(undeclared).as("State key prefixes no PersonalRecords owner declares (give the record an owner in "
                + "Services.personalData, or add it to WithoutPersonalData with the reason)").isEmpty();
        Set<String> notWritten = new TreeSet<>(declaredPrefixes());
        notWritten.removeAll(found);
        notWritten.removeAll(LOCAL_ONLY);
        assertThat(notWritten).as("declared prefixes this test did not get written: drive their writer above").isEmpty();
        Set<String> both = new TreeSet<>(ownedPrefixes());
        both.retainAll(WithoutPersonalData.STATE_PREFIXES.keySet());
        assertThat(both).as("owned and declared without personal data at once").isEmpty();
    }

    /** Writers this test does not drive are still caught when they spell their key as a literal {@code "prefix#..."}. */
    @Test
    void every_key_prefix_spelled_in_main_code_is_declared() throws IOException {
        Pattern literal = Pattern.compile("\"([a-z][a-z0-9-]*)#");
        Set<String> spelled = new TreeSet<>();
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> sources = new ArrayList<>(List.of(root.resolve("shared/src/main/java"), root.resolve("local/src/main/java")));
        try (Stream<Path> functions = Files.list(root.resolve("functions"))) {
            functions.map(f -> f.resolve("src/main/java")).filter(Files::isDirectory).forEach(sources::add);
        }
        for (Path dir : sources) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    Matcher m = literal.matcher(read(f));
                    while (m.find()) {
                        spelled.add(m.group(1));
                    }
                });
            }
        }
        assertThat(spelled).as("the scan finds the literal prefixes").contains("rate", "feedback", "local");
        assertThat(declaredPrefixes()).as("key prefixes spelled in main code that no owner declares (give the record an owner "
                + "in Services.personalData, or add it to WithoutPersonalData with the reason)").containsAll(spelled);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void after_erasure_nothing_names_the_user_but_the_records_kept_on_purpose() {
        Set<String> kept = new TreeSet<>();
        for (PersonalRecords owner : personalData.records()) {
            if (owner.erase(new Person("nobody", Optional.empty(), List.of()), clock.instant()) instanceof PersonalRecords.Erased.Kept) {
                kept.addAll(owner.statePrefixes());
            }
        }
        assertThat(kept).as("as PersonalData's javadoc says: engagement markers and campaign assignments stay")
                .containsExactlyInAnyOrder("open", "click", "assign", "campaignuser");
        assertThat(state()).filteredOn(item -> !kept.contains(prefix(item)) && names(item, ADA))
                .as("before erasure, records outside the kept ones name her").isNotEmpty();

        PersonalData.Erasure erasure = personalData.erase(ADA);

        assertThat(erasure.records()).containsExactly("activity", "frequencyCap", "softBounces", "reentry", "journeys", "topicChoices");
        List<Map<String, AttributeValue>> left = state();
        assertThat(left).filteredOn(item -> !kept.contains(prefix(item)) && names(item, ADA)).as("records naming her").isEmpty();
        assertThat(left).filteredOn(item -> !kept.contains(prefix(item))
                && !WithoutPersonalData.STATE_PREFIXES.containsKey(prefix(item))).as("personal records of anyone").isEmpty();
        assertThat(left.toString()).doesNotContain(Samples.EMAIL).doesNotContain(Samples.PHONE);
    }

    /** The user id as a key segment or as a whole string attribute. */
    private static boolean names(Map<String, AttributeValue> item, String userId) {
        return List.of(item.get("pk").s().split("#")).contains(userId)
                || new TreeMap<>(item).values().stream().anyMatch(v -> userId.equals(v.s()));
    }
}
