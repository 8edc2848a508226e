package io.nudge.channel.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.faults.ProviderFaults.Fault;
import io.nudge.model.Priority;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    private static final ProviderFaults FAULTS = ProviderFaults.parse("throttle=0.2,connect_timeout=0.05,timeout=0.05,permanent=0.02,seed=42").orElseThrow();

    private final List<String> sent = new ArrayList<>();
    private final EmailSender outbox = email -> {
        sent.add(email.messageId());
        return new SendOutcome.Accepted("local-" + email.messageId());
    };

    private static EmailMessage email(String id) {
        return new EmailMessage(id, "welcome", "Acme <hello@acme.test>", "ada@example.com", "Hi", Optional.empty(),
                Optional.of("Hello"), Priority.TRANSACTIONAL, Optional.empty());
    }

    @Test
    void the_spec_is_read_with_every_key_and_off_means_none() {
        assertThat(FAULTS).isEqualTo(new ProviderFaults(0.2, 0.05, 0.05, 0.02, 42));
        assertThat(ProviderFaults.parse("throttle=0.5")).contains(new ProviderFaults(0.5, 0, 0, 0, 1));
        assertThat(ProviderFaults.parse("off")).isEmpty();
        assertThat(ProviderFaults.parse(" ")).isEmpty();
        assertThat(ProviderFaults.parse(null)).isEmpty();
    }

    @Test
    void a_bad_spec_is_refused_naming_the_key() {
        assertThatThrownBy(() -> ProviderFaults.parse("throttel=0.2")).hasMessageContaining("unknown key 'throttel'");
        assertThatThrownBy(() -> ProviderFaults.parse("throttle=2")).hasMessageContaining("throttle must be from 0 to 1");
        assertThatThrownBy(() -> ProviderFaults.parse("timeout=soon")).hasMessageContaining("timeout must be a number");
        assertThatThrownBy(() -> ProviderFaults.parse("seed=x")).hasMessageContaining("seed must be a whole number");
        assertThatThrownBy(() -> ProviderFaults.parse("throttle")).hasMessageContaining("is not key=value");
        assertThatThrownBy(() -> ProviderFaults.parse("throttle=0.6,permanent=0.6")).hasMessageContaining("more than 1");
    }

    @Test
    void faults_are_a_pure_function_of_seed_key_and_attempt_at_about_the_configured_rates() {
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Fault fault = FAULTS.faultOf("email:m" + i, 0);
            assertThat(FAULTS.faultOf("email:m" + i, 0)).isEqualTo(fault);
            counts.merge(fault, 1, Integer::sum);
        }
        // deterministic for this seed; the bounds only say the draw is not skewed
        assertThat(counts.get(Fault.THROTTLE) / (double) n).isBetween(0.18, 0.22);
        assertThat(counts.get(Fault.CONNECT_TIMEOUT) / (double) n).isBetween(0.04, 0.06);
        assertThat(counts.get(Fault.TIMEOUT) / (double) n).isBetween(0.04, 0.06);
        assertThat(counts.get(Fault.PERMANENT) / (double) n).isBetween(0.01, 0.03);
        // another seed, other faults
        ProviderFaults other = new ProviderFaults(0.2, 0.05, 0.05, 0.02, 43);
        long differ = java.util.stream.IntStream.range(0, 1000).filter(i -> other.faultOf("email:m" + i, 0) != FAULTS.faultOf("email:m" + i, 0)).count();
        assertThat(differ).isGreaterThan(100);
    }

    @Test
    void each_fault_answers_as_the_aws_adapters_do_and_only_a_let_through_or_late_answer_reaches_the_sender() {
        FaultInjector injector = new FaultInjector(FAULTS);
        EmailSender faulty = injector.email(outbox);
        Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
        for (int i = 0; i < 400; i++) {
            String id = "m" + i;
            Fault expected = FAULTS.faultOf(FaultInjector.key("email", id), 0);
            SendOutcome outcome = faulty.send(email(id));
            switch (expected) {
                case THROTTLE -> assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                        r -> assertThat(r.reason()).contains("throttled"));
                case CONNECT_TIMEOUT -> assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Unavailable.class,
                        r -> assertThat(r.reason()).contains("never left"));
                case TIMEOUT -> assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
                case PERMANENT -> assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("injected fault"));
                case NONE -> assertThat(outcome).isEqualTo(new SendOutcome.Accepted("local-" + id));
            }
            assertThat(sent.contains(id)).isEqualTo(expected == Fault.NONE || expected == Fault.TIMEOUT);
            seen.merge(expected, 1, Integer::sum);
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrder(Fault.values());
        assertThat(injector.injected()).containsAllEntriesOf(Map.of(Fault.THROTTLE, (long) seen.get(Fault.THROTTLE),
                Fault.PERMANENT, (long) seen.get(Fault.PERMANENT), Fault.NONE, (long) seen.get(Fault.NONE)));
        assertThat(injector.handedOver().values()).allMatch(n -> n == 1).hasSize(sent.size());
    }

    @Test
    void a_retried_message_meets_its_next_attempts_fault() {
        FaultInjector injector = new FaultInjector(FAULTS);
        EmailSender faulty = injector.email(outbox);
        String id = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "m" + i)
                .filter(m -> FAULTS.faultOf(FaultInjector.key("email", m), 0) == Fault.THROTTLE
                        && FAULTS.faultOf(FaultInjector.key("email", m), 1) == Fault.NONE)
                .findFirst().orElseThrow();

        assertThat(faulty.send(email(id))).isInstanceOf(SendOutcome.Throttled.class);
        assertThat(faulty.send(email(id))).isInstanceOf(SendOutcome.Accepted.class);
        assertThat(sent).containsExactly(id);
    }
}
