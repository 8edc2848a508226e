package io.nudge.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server-side request forgery: which destinations a webhook may reach, at save and at send. */
class WebhookDestinationsTest {
    private final WebhookDestinations none = WebhookDestinations.none();

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
            "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
            "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "fec0::1"})
    void forbidden_addresses_are_refused(String address) throws UnknownHostException {
        assertThat(WebhookDestinations.forbidden(InetAddress.getByName(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:2800:220:1:248:1893:25c8:1946", "2001:4860:4860::8888"})
    void public_addresses_are_not(String address) throws UnknownHostException {
        assertThat(WebhookDestinations.forbidden(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @Test
    void at_save_a_static_url_is_refused_for_its_scheme_an_ip_literal_or_a_loopback_name() {
        assertThat(none.refusalAtSave("http://169.254.169.254/latest/meta-data/")).get().asString().contains("http");
        assertThat(none.refusalAtSave("https://169.254.169.254/latest/meta-data/")).get().asString().contains("link-local");
        assertThat(none.refusalAtSave("https://[::1]:8443/hook")).get().asString().contains("loopback");
        assertThat(none.refusalAtSave("https://10.1.2.3/hook")).get().asString().contains("private");
        assertThat(none.refusalAtSave("https://localhost/hook")).get().asString().contains("loopback");
        assertThat(none.refusalAtSave("http://hooks.example.com/x")).get().asString().contains("https");
        assertThat(none.refusalAtSave("ftp://hooks.example.com/x")).isPresent();
        assertThat(none.refusalAtSave("https:///no-host")).isPresent();
        assertThat(none.refusalAtSave("https://hooks.example.com/services/T000/B000")).as("a public name: checked when sent").isEmpty();
        // forms InetAddress reads as 127.0.0.1 (java.net.URI, and so the HTTP client, sees no host in them)
        assertThat(none.refusalAtSave("https://2130706433/hook")).isPresent();
        assertThat(none.refusalAtSave("https://127.1/hook")).isPresent();
    }

    @Test
    void an_allow_listed_host_may_be_plain_http_and_private_matched_without_its_port_or_case() {
        WebhookDestinations local = WebhookDestinations.fromEnvironment(Map.of(WebhookDestinations.ALLOW_HOSTS_ENV, "127.0.0.1, Receiver.Internal"));

        assertThat(local.refusalAtSave("http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(local.refusalAtSave("http://receiver.internal:9000/hook")).isEmpty();
        assertThat(local.check("http://127.0.0.1:8080/hook")).isEqualTo(
                new WebhookDestinations.Verdict.Allowed(java.net.URI.create("http://127.0.0.1:8080/hook"), "127.0.0.1"));
        assertThat(local.check("http://127.0.0.2:8080/hook")).isInstanceOf(WebhookDestinations.Verdict.Blocked.class);
    }

    @Test
    void at_send_every_resolved_address_is_checked_and_one_private_answer_blocks_the_host() {
        WebhookDestinations resolving = none.resolvingWith(host -> switch (host) {
            case "hooks.example.com" -> List.of(InetAddress.getByName("93.184.216.34"));
            case "rebind.example.com" -> List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7"));
            default -> throw new UnknownHostException(host);
        });

        assertThat(resolving.check("https://hooks.example.com/a?token=x")).isInstanceOf(WebhookDestinations.Verdict.Allowed.class);
        assertThat(resolving.check("https://rebind.example.com/a")).isEqualTo(
                new WebhookDestinations.Verdict.Blocked("rebind.example.com resolves to 10.0.0.7, a private address"));
        assertThat(resolving.check("https://nowhere.example.com/a")).isInstanceOf(WebhookDestinations.Verdict.Unresolved.class);
        assertThat(resolving.check("http://hooks.example.com/a")).isInstanceOf(WebhookDestinations.Verdict.Blocked.class);
        assertThat(resolving.check("not a url")).isInstanceOf(WebhookDestinations.Verdict.Blocked.class);
    }

    @Test
    void the_name_checked_is_the_name_the_client_will_look_up_case_and_trailing_dot_kept() {
        List<String> looked = new java.util.ArrayList<>();
        WebhookDestinations resolving = none.resolvingWith(host -> {
            looked.add(host);
            return List.of(InetAddress.getByName("93.184.216.34"));
        });

        resolving.check("https://Rebind.Example.com./hook");

        // the JVM caches a lookup under the exact string: checking another spelling would let the connection resolve anew
        assertThat(looked).containsExactly("Rebind.Example.com.");
    }

    @Test
    void the_host_a_message_records_is_the_urls_host_alone() {
        assertThat(WebhookDestinations.hostOf("https://Hooks.Example.com:8443/services/T0/B0?token=secret")).contains("hooks.example.com");
        assertThat(WebhookDestinations.hostOf("https://[2001:db8::1]/x")).contains("2001:db8::1");
        assertThat(WebhookDestinations.hostOf("mailto:ada@example.com")).isEmpty();
    }
}
