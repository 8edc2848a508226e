package io.nudge.segments;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.Evaluation;
import io.nudge.evaluate.EvaluateService;
import io.nudge.model.Event;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SegmentsTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final AtomicInteger eventIds = new AtomicInteger();
    private Services services;
    private SegmentService segments;
    private UserService users;
    private EvaluateService evaluate;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        segments = services.segments();
        users = new UserService(services.users(), clock);
        evaluate = services.evaluate();
    }

    private void user(String id, String plan, String emailConsent) {
        users.upsert(id, json("{'email':'" + id + "@example.com','attributes':{'plan':'" + plan + "'},'consent':{'email':'" + emailConsent + "'}}"));
    }

    private void event(String userId, String name, Instant at) {
        Event event = new Event("e" + eventIds.incrementAndGet(), userId, name, (ObjectNode) json("{}"), at, at);
        services.events().putIfAbsent(event);
        evaluate.evaluate(event);
    }

    private boolean member(String segmentId, String userId) {
        Segment segment = segments.find(segmentId).orElseThrow();
        return SegmentEvaluator.test(segment, services.users().find(userId).orElseThrow(),
                services.activity(), clock.instant());
    }

    @Test
    void user_conditions_and_consent_select_users() {
        segments.put("pro_emailable", json("{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'},"
                + "{'consent':{'channel':'email','status':'opted_in'}}]}"));
        user("u1", "pro", "opted_in");
        user("u2", "pro", "opted_out");
        user("u3", "free", "opted_in");

        assertThat(member("pro_emailable", "u1")).isTrue();
        assertThat(member("pro_emailable", "u2")).isFalse();
        assertThat(member("pro_emailable", "u3")).isFalse();
    }

    @Test
    void event_counts_in_a_window_come_from_counters_evaluate_maintains() {
        segments.put("repeat_buyers", json("{'any':[{'event':'purchase_completed','count':{'gte':2},'within':'P90D'}]}"));
        user("u1", "pro", "opted_in");
        user("u2", "pro", "opted_in");
        Instant now = clock.instant();
        event("u1", "purchase_completed", now.minus(Duration.ofDays(10)));
        event("u1", "purchase_completed", now.minus(Duration.ofDays(1)));
        event("u2", "purchase_completed", now.minus(Duration.ofDays(120)));
        event("u2", "purchase_completed", now.minus(Duration.ofDays(2)));

        assertThat(member("repeat_buyers", "u1")).isTrue();
        assertThat(member("repeat_buyers", "u2")).as("one of its purchases is outside 90 days").isFalse();
        assertThat(services.activity().find("u2", now).count("purchase_completed", Duration.ofDays(180), now)).isEqualTo(2);
    }

    @Test
    void counters_older_than_180_days_are_not_read() {
        user("u1", "pro", "opted_in");
        Instant now = clock.instant();
        event("u1", "opened_app", now.minus(Duration.ofDays(181)));
        event("u1", "opened_app", now);

        assertThat(services.activity().find("u1", now).counts()).containsOnlyKeys("opened_app|2026-11-24");
    }

    @Test
    void last_seen_before_and_after() {
        segments.put("lapsed", json("{'all':[{'lastSeen':{'before':'P30D'}}]}"));
        segments.put("recent", json("{'all':[{'lastSeen':{'after':'P7D'}}]}"));
        user("old", "pro", "opted_in");
        user("new", "pro", "opted_in");
        event("old", "opened_app", clock.instant().minus(Duration.ofDays(40)));
        event("new", "opened_app", clock.instant().minus(Duration.ofDays(2)));

        assertThat(member("lapsed", "old")).isTrue();
        assertThat(member("lapsed", "new")).isFalse();
        assertThat(member("recent", "new")).isTrue();
        assertThat(member("recent", "old")).isFalse();
    }

    @Test
    void bad_documents_name_the_field() {
        assertThatThrownBy(() -> segments.put("s", json("{'all':[{'event':'x','count':{'gte':1},'within':'P200D'}]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/all/0/within"));
        assertThatThrownBy(() -> segments.put("s", json("{'any':[{'all':[{'event':'x','count':{'between':1},'within':'P1D'}]}]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/any/0/all/0/count/between"));
        assertThatThrownBy(() -> segments.put("s", json("{'all':[{'path':'event.name','op':'eq','value':'x'}]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/all/0/path"));
        assertThatThrownBy(() -> segments.put("s", json("{'all':[{'consent':{'channel':'fax','status':'opted_in'}}]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/all/0/consent/channel"));
        assertThatThrownBy(() -> segments.put("s", json("{'none':[]}")))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void preview_counts_matches_and_samples_ids() {
        segments.put("pro", json("{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}"));
        for (int i = 0; i < 30; i++) {
            user("u" + i, i % 3 == 0 ? "pro" : "free", "opted_in");
        }

        SegmentService.Preview preview = segments.preview("pro").orElseThrow();

        assertThat(preview.estimatedSize()).isEqualTo(10);
        assertThat(preview.exact()).isTrue();
        assertThat(preview.sampled()).isEqualTo(30);
        assertThat(preview.sampleUserIds()).hasSize(10).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(1)) % 3).isZero());
        assertThat(segments.preview("missing")).isEmpty();
    }

    @Test
    void triggers_may_require_segment_membership() {
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("hello", json("{'channel':'email','subject':'Hi','text':'Hello'}"));
        assertThatThrownBy(() -> definitions.putTrigger("t", json("{'event':'signed_in','conditions':[{'segment':'pro'}],"
                + "'channel':'email','template':'hello'}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("unknown_segment");
                    assertThat(e.field()).isEqualTo("/conditions/0/segment");
                });
        segments.put("pro", json("{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}"));
        var saved = definitions.putTrigger("t", json("{'event':'signed_in','conditions':[{'segment':'pro'}],'channel':'email','template':'hello'}"));
        assertThat(saved.document().at("/conditions/0/segment").asText()).isEqualTo("pro");
        evaluate.refreshDefinitions();
        user("p", "pro", "opted_in");
        user("f", "free", "opted_in");

        Evaluation pro = evaluate.evaluate(new Event("x1", "p", "signed_in", (ObjectNode) json("{}"), clock.instant(), clock.instant()));
        Evaluation free = evaluate.evaluate(new Event("x2", "f", "signed_in", (ObjectNode) json("{}"), clock.instant(), clock.instant()));

        assertThat(pro.decisions()).singleElement().isInstanceOf(Evaluation.Matched.class);
        assertThat(free.decisions()).singleElement().isInstanceOf(Evaluation.NotMatched.class);
        assertThatThrownBy(() -> segments.delete("pro")).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.code()).isEqualTo("segment_in_use"));
    }
}
