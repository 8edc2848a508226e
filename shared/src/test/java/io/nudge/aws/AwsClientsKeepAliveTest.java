package io.nudge.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JVM-wide keep-alive setting is the client factory's: set before the first client, never over a given value. */
class AwsClientsKeepAliveTest {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:1");
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(AwsClients.MAX_CONNECTIONS);
        System.clearProperty(AwsClients.MAX_CONNECTIONS);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(AwsClients.MAX_CONNECTIONS);
        } else {
            System.setProperty(AwsClients.MAX_CONNECTIONS, before);
        }
    }

    @Test
    void building_a_client_keeps_enough_connections_alive_for_a_campaign_run() {
        AwsClients.dynamoDbAt(NOWHERE, Map.of()).close();

        assertThat(System.getProperty(AwsClients.MAX_CONNECTIONS)).isEqualTo("36");
    }

    @Test
    void a_value_given_on_the_command_line_is_left_alone() {
        System.setProperty(AwsClients.MAX_CONNECTIONS, "7");

        AwsClients.dynamoDbAt(NOWHERE, Map.of()).close();
        AwsClients.sns(Map.of(AwsClients.AWS_REGION, "eu-west-1")).close();

        assertThat(System.getProperty(AwsClients.MAX_CONNECTIONS)).isEqualTo("7");
    }
}
