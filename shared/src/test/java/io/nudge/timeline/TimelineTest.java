package io.nudge.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
    private final MutableClock clock = MutableClock.at("2026-11-24T12:00:00Z");
    private Services services;
    private Timeline timeline;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        timeline = new Timeline(services.events(), services.messages(), clock);
    }

    private void event(String id, String userId, Instant at) {
        services.events().putIfAbsent(new Event(id, userId, "clicked", Json.object().put("n", id), at, at));
    }

    private void message(String id, String userId, Instant at) {
        services.messages().createIfAbsent(new Message(id, userId, "t1", "e-" + id, Channel.EMAIL, Priority.MARKETING, "tpl",
                MessageStatus.READY, Optional.empty(), Json.object(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), at, List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", at)),
                Optional.empty()), false);
    }

    private static String idOf(Timeline.Entry entry) {
        return switch (entry) {
            case Timeline.EventEntry e -> e.stored().event().id();
            case Timeline.MessageEntry m -> m.message().id();
            case Timeline.ChoiceEntry c -> c.change().key().id();
        };
    }

    /** Every page from the first, following next. */
    private List<List<String>> pages(String userId, int limit) {
        List<List<String>> pages = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Timeline.Page page = timeline.page(userId, limit, cursor);
            pages.add(page.entries().stream().map(TimelineTest::idOf).toList());
            cursor = page.next();
        } while (cursor.isPresent() && pages.size() < 100);
        return pages;
    }

    @Test
    void events_and_messages_interleave_newest_first_with_a_message_before_an_event_of_the_same_instant() {
        event("e1", "ada", T0);
        message("m1", "ada", T0);
        event("e2", "ada", T0.plusSeconds(60));
        message("m2", "ada", T0.plusSeconds(120));
        event("e3", "ada", T0.plusSeconds(180));
        event("other", "bob", T0.plusSeconds(90));

        Timeline.Page page = timeline.page("ada", 50, Optional.empty());

        assertThat(page.entries()).extracting(TimelineTest::idOf).containsExactly("e3", "m2", "e2", "m1", "e1");
        assertThat(page.entries()).extracting(Timeline.Entry::at)
                .containsExactly(T0.plusSeconds(180), T0.plusSeconds(120), T0.plusSeconds(60), T0, T0);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void paging_loses_and_repeats_nothing_even_with_many_entries_at_one_instant() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            event("tie-e" + i, "ada", T0);
            message("tie-m" + i, "ada", T0);
            all.add("tie-e" + i);
            all.add("tie-m" + i);
        }
        for (int i = 0; i < 9; i++) {
            event("e" + i, "ada", T0.plusSeconds(10L * i + 1));
            message("m" + i, "ada", T0.plusSeconds(10L * i + 5));
            all.add("e" + i);
            all.add("m" + i);
        }

        for (int limit : List.of(1, 2, 3, 5, 50)) {
            List<List<String>> pages = pages("ada", limit);
            List<String> seen = pages.stream().flatMap(List::stream).toList();
            assertThat(seen).as("limit " + limit).containsExactlyInAnyOrderElementsOf(all).doesNotHaveDuplicates();
            assertThat(pages).as("limit " + limit).allSatisfy(p -> assertThat(p).hasSizeLessThanOrEqualTo(limit));
            assertThat(seen.subList(0, 18)).as("limit " + limit)
                    .containsExactly("m8", "e8", "m7", "e7", "m6", "e6", "m5", "e5", "m4", "e4", "m3", "e3", "m2", "e2", "m1", "e1", "m0", "e0");
            // at the tied instant, the messages come first
            assertThat(seen.subList(18, 25)).allMatch(id -> id.startsWith("tie-m"));
        }
        assertThat(pages("ada", 3)).hasSize(11).allSatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(pages("ada", 32)).hasSize(1);
    }

    @Test
    void expired_events_are_left_out_without_losing_what_follows() {
        event("old", "ada", clock.instant().minus(Duration.ofDays(31)));
        message("m-old", "ada", clock.instant().minus(Duration.ofDays(32)));
        event("new", "ada", clock.instant().minusSeconds(1));

        assertThat(pages("ada", 1).stream().flatMap(List::stream).toList()).containsExactly("new", "m-old");
    }

    @Test
    void a_user_with_nothing_has_one_empty_page() {
        Timeline.Page page = timeline.page("nobody", 50, Optional.empty());

        assertThat(page.entries()).isEmpty();
        assertThat(page.next()).isEmpty();
    }

    @Test
    void a_cursor_of_another_user_a_malformed_or_a_tampered_one_is_refused_naming_the_cursor() {
        event("e1", "ada", T0);
        event("e2", "ada", T0.plusSeconds(1));
        event("b1", "bob", T0);
        String next = timeline.page("ada", 1, Optional.empty()).next().orElseThrow();
        String json = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8);

        assertThat(timeline.page("ada", 1, Optional.of(next)).entries()).extracting(TimelineTest::idOf).containsExactly("e1");
        for (String bad : List.of("not base64!", "", "e30", encode("[1]"), encode(json.replace("\"ada\"", "\"bob\"")),
                encode(json.replace("2026-11-24T09:00:01.000Z", "yesterday")), encode(json.replace("\"e\"", "\"x\"")),
                encode(json.replace("\"e2\"", "\"\"")), next.substring(0, next.length() - 3), "A".repeat(5000))) {
            assertThatThrownBy(() -> timeline.page("ada", 1, Optional.of(bad)))
                    .as(bad).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
        }
        assertThatThrownBy(() -> timeline.page("bob", 1, Optional.of(next)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
