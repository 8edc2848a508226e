package io.nudge.logscan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner behind {@link SuiteLogsHaveNoPii}: it must find what it looks for, and only that. */
class PiiLogScannerTest {

    @Test
    void collects_emails_and_e164_numbers_from_test_sources(@TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/test/java"));
        Files.writeString(src.resolve("SomeTest.java"), "users.upsert(\"ada\", \"{'email':'Ada.L@Example.com','phone':'+4915112345678'}\");\n"
                + "long millis = 1764000000000L; String v = \"1.2.3\";");
        Files.writeString(Files.createDirectories(dir.resolve("events")).resolve("sns.json"), "{\"destination\":[\"bob@example.org\"]}");

        PiiLogScanner scanner = PiiLogScanner.fromSources(List.of(dir.resolve("src/test"), dir.resolve("events"), dir.resolve("missing")));

        assertThat(scanner.emails()).containsExactlyInAnyOrder("ada.l@example.com", "bob@example.org");
        assertThat(scanner.phones()).containsExactly("4915112345678");
    }

    @Test
    void finds_a_planted_email_and_phone_in_any_spelling_and_reports_file_and_line_redacted(@TempDir Path dir) throws IOException {
        Path reports = Files.createDirectories(dir.resolve("shared/target/surefire-reports"));
        Files.writeString(reports.resolve("io.nudge.SomeTest-output.txt"), String.join("\n",
                "{\"level\":\"INFO\",\"component\":\"Deliver\",\"message\":\"sent\",\"messageId\":\"m1\"}",
                "{\"level\":\"WARN\",\"component\":\"Feedback\",\"message\":\"bounce\",\"to\":\"ADA.L@example.com\"}",
                "{\"level\":\"INFO\",\"component\":\"Slots\",\"at\":1764000000000,\"n\":\"49151123456789\"}",
                "sms to 49 151 1234 5678 failed",
                "sms to +4915112345678 failed"));
        Path logs = Files.createDirectories(dir.resolve("local/target/test-logs"));
        Files.writeString(logs.resolve("runner.log"), "ok\nphone=4915112345678\n");
        Files.writeString(Files.createDirectories(dir.resolve("local/target/outbox")).resolve("m1.eml"), "To: ada.l@example.com\n");

        PiiLogScanner scanner = new PiiLogScanner(Set.of("ada.l@example.com"), Set.of("+4915112345678"));
        List<Path> files = PiiLogScanner.logFiles(dir);
        PiiLogScanner.Result result = scanner.scan(files, dir);

        assertThat(files).as("output files and test logs, not the outbox").hasSize(2);
        assertThat(result.lines()).isEqualTo(7);
        assertThat(result.jsonLogLines()).isEqualTo(3);
        assertThat(result.hits()).extracting(h -> h.file().toString() + ":" + h.line() + " " + h.kind()).containsExactly(
                "local/target/test-logs/runner.log:2 phone",
                "shared/target/surefire-reports/io.nudge.SomeTest-output.txt:2 email",
                "shared/target/surefire-reports/io.nudge.SomeTest-output.txt:4 phone",
                "shared/target/surefire-reports/io.nudge.SomeTest-output.txt:5 phone");
        assertThat(result.hits()).allSatisfy(hit -> assertThat(hit.redacted())
                .doesNotContainIgnoringCase("ada.l@example.com").doesNotContain("4915112345678").doesNotContain("1234 5678"));
    }
}
