package io.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SmsSegments;
import io.nudge.channel.outbox.ParsedMail;
import io.nudge.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Local mode: what the outbox holds, newest first, as a person would see it: each email's sender, recipient, subject,
 * text and HTML parts (read back from the .eml file), each SMS with its segment count, each push payload. The console's
 * outbox page shows it; the files stay the record.
 */
final class LocalOutbox {
    private final Path dir;

    LocalOutbox(Path dir) {
        this.dir = dir;
    }

    /** The newest {@code limit} entries and how many there are in all. */
    ObjectNode newest(int limit) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile).filter(f -> channelOf(f) != null)
                    .sorted(Comparator.comparing(LocalOutbox::modified).reversed().thenComparing(Path::toString))
                    .toList();
        } catch (NoSuchFileException empty) {
            files = List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode json = Json.object();
        json.put("total", files.size());
        ArrayNode items = json.putArray("items");
        for (Path file : files.subList(0, Math.min(limit, files.size()))) {
            try {
                items.add(entry(file));
            } catch (IOException | RuntimeException unreadable) {
                // a file someone edited by hand: say so, and the rest still shows
                items.addObject().put("file", file.getFileName().toString()).put("channel", channelOf(file))
                        .put("unreadable", unreadable.getClass().getSimpleName());
            }
        }
        return json;
    }

    private static ObjectNode entry(Path file) throws IOException {
        String name = file.getFileName().toString();
        String channel = channelOf(file);
        String content = Files.readString(file, StandardCharsets.UTF_8);
        ObjectNode entry = Json.object().put("file", name).put("channel", channel)
                .put("messageId", name.substring(0, name.indexOf('.')));
        switch (channel) {
            case "email" -> email(entry, ParsedMail.parse(content));
            case "sms" -> {
                JsonNode sms = Json.parse(content);
                String body = sms.path("body").asText("");
                SmsSegments.Segments segments = SmsSegments.count(body);
                entry.put("at", sms.path("sentAt").asText(null)).put("to", sms.path("to").asText(null)).put("body", body)
                        .put("segments", segments.segments())
                        .put("encoding", segments.encoding().name());
            }
            default -> {
                JsonNode push = Json.parse(content);
                entry.put("at", push.path("sentAt").asText(null)).put("platform", push.path("platform").asText(null))
                        .put("message", push.path("message").asText(null));
            }
        }
        return entry;
    }

    private static void email(ObjectNode entry, ParsedMail mail) {
        entry.put("at", mail.header("Date")).put("from", mail.header("From")).put("to", mail.header("To"))
                .put("subject", mail.header("Subject"));
        List<ParsedMail> parts = mail.mediaType().startsWith("multipart/") ? mail.parts() : List.of(mail);
        for (ParsedMail part : parts) {
            switch (part.mediaType()) {
                case "text/plain" -> entry.put("text", part.text());
                case "text/html" -> entry.put("html", part.text());
                default -> { }
            }
        }
    }

    /** email, sms or push by the file's suffix; null for anything else (a temporary file of an atomic write). */
    private static String channelOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.startsWith(".")) {
            return null;
        }
        return name.endsWith(".eml") ? "email" : name.endsWith(".sms.json") ? "sms" : name.endsWith(".push.json") ? "push" : null;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException gone) {
            return FileTime.fromMillis(0);
        }
    }
}
