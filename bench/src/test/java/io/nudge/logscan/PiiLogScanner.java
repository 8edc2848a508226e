package io.nudge.logscan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the email addresses and phone numbers the tests use (in test sources, events/ and examples/) and looks for
 * each of them in the suite's log output (surefire and failsafe {@code *-output.txt}, any {@code *.log} under a
 * module's target/). A phone is also found without its '+' and with common separators' digits run together.
 */
final class PiiLogScanner {
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}(?![0-9])");

    /** A hit: where, and the line with the personal value masked (the report must not leak it either). */
    record Hit(Path file, int line, String kind, String redacted) {
        @Override
        public String toString() {
            return file + ":" + line + " " + kind + ": " + redacted;
        }
    }

    /** @param jsonLogLines lines in Nudge's own log format (io.nudge.log.Log): proof the scan sees the application's logs */
    record Result(int files, long lines, long jsonLogLines, List<Hit> hits) {}

    private final Set<String> emails;
    private final Set<String> phoneDigits;
    private final List<Pattern> phonePatterns = new ArrayList<>();

    PiiLogScanner(Set<String> emails, Set<String> phones) {
        this.emails = new TreeSet<>();
        emails.forEach(e -> this.emails.add(e.toLowerCase(java.util.Locale.ROOT)));
        this.phoneDigits = new TreeSet<>();
        for (String phone : phones) {
            String digits = phone.replaceAll("[^0-9]", "");
            if (digits.length() >= 8) {
                phoneDigits.add(digits);
            }
        }
        // digits not inside a longer run of digits, with or without '+', spaces or dashes between groups
        for (String digits : phoneDigits) {
            phonePatterns.add(Pattern.compile("(?<![0-9])\\+?" + String.join("[ .-]?", digits.split("")) + "(?![0-9])"));
        }
    }

    Set<String> emails() {
        return emails;
    }

    Set<String> phones() {
        return phoneDigits;
    }

    /** Collects the personal values of the tests: every email address and E.164 number in these trees. */
    static PiiLogScanner fromSources(List<Path> roots) {
        Set<String> emails = new TreeSet<>();
        Set<String> phones = new TreeSet<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(PiiLogScanner::isText).forEach(file -> {
                    String text = read(file);
                    Matcher email = EMAIL.matcher(text);
                    while (email.find()) {
                        emails.add(email.group());
                    }
                    Matcher phone = E164.matcher(text);
                    while (phone.find()) {
                        phones.add(phone.group());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new PiiLogScanner(emails, phones);
    }

    /** The log files of every module under {@code repo}: surefire/failsafe output and *.log under target/. */
    static List<Path> logFiles(Path repo) {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repo, 6)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/target/"))
                    .filter(f -> !f.toString().contains("/node_modules/"))
                    .filter(f -> {
                        String name = f.getFileName().toString();
                        String parent = f.getParent().getFileName().toString();
                        return name.endsWith("-output.txt") && (parent.equals("surefire-reports") || parent.equals("failsafe-reports"))
                                || name.endsWith(".log") && f.toString().contains("/target/test-logs/");
                    })
                    .sorted().forEach(logs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return logs;
    }

    Result scan(List<Path> logs, Path relativeTo) {
        List<Hit> hits = new ArrayList<>();
        long lines = 0;
        long jsonLogLines = 0;
        for (Path log : logs) {
            List<String> content = read(log).lines().toList();
            for (int i = 0; i < content.size(); i++) {
                lines++;
                String line = content.get(i);
                if (line.startsWith("{") && line.contains("\"level\":") && line.contains("\"component\":")) {
                    jsonLogLines++;
                }
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                Map<String, String> found = new LinkedHashMap<>();
                for (String email : emails) {
                    if (lower.contains(email)) {
                        found.put("email", email);
                    }
                }
                for (Pattern phone : phonePatterns) {
                    Matcher m = phone.matcher(line);
                    if (m.find()) {
                        found.put("phone", m.group());
                    }
                }
                if (!found.isEmpty()) {
                    hits.add(new Hit(relativeTo.relativize(log.toAbsolutePath()), i + 1, String.join("+", found.keySet()), redact(line)));
                }
            }
        }
        return new Result(logs.size(), lines, jsonLogLines, hits);
    }

    /** The line with every address and number masked, cut to 300 characters. */
    static String redact(String line) {
        String masked = EMAIL.matcher(line).replaceAll("<email>");
        masked = masked.replaceAll("\\+?(?<![0-9])[0-9][0-9 .-]{6,}[0-9](?![0-9])", "<number>");
        return masked.length() > 300 ? masked.substring(0, 300) + "…" : masked;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")
                || name.endsWith(".liquid") || name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".csv");
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
