package io.nudge.logscan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs in the verify phase of this module, the last of the reactor (bench/pom.xml, execution {@code pii-log-scan}),
 * when every module's tests and integration tests have written their output to target/*-reports/*-output.txt
 * (redirectTestOutputToFile in the root pom). Fails on any email address or phone number of the tests found there.
 */
class SuiteLogsHaveNoPii {

    @Test
    void no_email_address_or_phone_number_of_the_tests_appears_in_any_log_of_the_suite() {
        Path repo = Path.of(System.getProperty("nudge.root", "..")).toAbsolutePath().normalize();
        List<Path> sources = new java.util.ArrayList<>(List.of(repo.resolve("shared/src/test"), repo.resolve("local/src/test"),
                repo.resolve("bench/src/test"), repo.resolve("events"), repo.resolve("examples")));
        try (var functions = java.nio.file.Files.list(repo.resolve("functions"))) {
            functions.map(f -> f.resolve("src/test")).forEach(sources::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        PiiLogScanner scanner = PiiLogScanner.fromSources(sources);
        assertThat(scanner.emails()).as("email addresses found in the tests").hasSizeGreaterThan(5);
        assertThat(scanner.phones()).as("phone numbers found in the tests").hasSizeGreaterThan(2);

        List<Path> logs = PiiLogScanner.logFiles(repo);
        PiiLogScanner.Result result = scanner.scan(logs, repo);

        System.out.printf("PII log scan: %d emails and %d phone numbers of the tests looked for in %d lines (%d of Nudge's JSON logs)"
                + " of %d log files%n", scanner.emails().size(), scanner.phones().size(), result.lines(), result.jsonLogLines(), result.files());
        // a full run writes a few hundred lines to a few dozen files: far fewer means the output went elsewhere
        assertThat(result.files()).as("log files (did the suite run with redirectTestOutputToFile?)").isGreaterThanOrEqualTo(5);
        assertThat(result.lines()).as("lines of log output scanned").isGreaterThanOrEqualTo(50);
        assertThat(result.jsonLogLines()).as("lines of Nudge's own JSON logs scanned").isGreaterThanOrEqualTo(10);
        assertThat(result.hits()).as("log lines holding an email address or phone number of the tests").isEmpty();
    }
}
