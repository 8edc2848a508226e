package io.nudge.channel.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.SendOutcome;
import io.nudge.model.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxEmailSenderTest {
    static final String MESSAGE_ID = "k7q2m4x5ab3cdefghij6klmnop";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-03T09:15:07Z"), ZoneOffset.UTC);
    // Non-ASCII, a line longer than 76 characters, an '=' sign, trailing spaces and a blank line: every QP rule.
    static final String TEXT = "Hallo Ada,\n\ndein Warenkorb wartet: 2 × Kaffeebohnen (Äthiopien), 1 × Mühle — zusammen "
            + "39,90 € = ein guter Tag.   \nBis bald!\n";
    static final String HTML = "<html><body><p style=\"color:#333\">Hallo <b>Ada</b>,</p><p>dein Warenkorb wartet: "
            + "2 × Kaffeebohnen (Äthiopien) &amp; 1 × Mühle — 39,90 €</p></body></html>";

    @TempDir
    Path dir;

    Path outbox() {
        return dir.resolve("outbox");
    }

    OutboxEmailSender sender() {
        return new OutboxEmailSender(outbox(), CLOCK, () -> "local-0f8e4c1a");
    }

    static EmailMessage email(String subject, Optional<String> html, Optional<String> text) {
        return new EmailMessage(MESSAGE_ID, "cart-reminder", "Nudge <hello@nudge.example>", "ada@example.org",
                subject, html, text, Priority.MARKETING);
    }

    String written() throws IOException {
        return Files.readString(outbox().resolve(MESSAGE_ID + ".eml"), StandardCharsets.UTF_8);
    }

    @Test
    void email_is_written_to_the_outbox_as_message_id_eml_and_accepted_with_the_provider_id() throws IOException {
        SendOutcome outcome = sender().send(email("Your cart", Optional.of(HTML), Optional.of(TEXT)));

        assertThat(outcome).isEqualTo(new SendOutcome.Accepted("local-0f8e4c1a"));
        try (Stream<Path> files = Files.list(outbox())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(MESSAGE_ID + ".eml");
        }
    }

    @Test
    void the_eml_carries_every_header_of_a_real_message() throws IOException {
        sender().send(email("Your cart", Optional.of(HTML), Optional.of(TEXT)));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.raw("Date")).isEqualTo("Tue, 3 Jun 2025 09:15:07 +0000");
        assertThat(mail.raw("From")).isEqualTo("Nudge <hello@nudge.example>");
        assertThat(mail.raw("To")).isEqualTo("ada@example.org");
        assertThat(mail.raw("Subject")).isEqualTo("Your cart");
        assertThat(mail.raw("Message-ID")).isEqualTo("<local-0f8e4c1a@nudge.local>");
        assertThat(mail.raw("MIME-Version")).isEqualTo("1.0");
        assertThat(mail.raw("X-Nudge-Message-Id")).isEqualTo(MESSAGE_ID);
        assertThat(mail.raw("X-Nudge-Trigger-Id")).isEqualTo("cart-reminder");
        assertThat(mail.raw("X-Nudge-Priority")).isEqualTo("marketing");
    }

    @Test
    void an_unsubscribe_url_is_written_as_one_click_list_unsubscribe_headers() throws IOException {
        String url = "https://nudge.example/v1/unsubscribe?token=v1.k2.dXNlci00MgBlbWFpbA.sig-_9";
        sender().send(new EmailMessage(MESSAGE_ID, "cart-reminder", "Nudge <hello@nudge.example>", "ada@example.org",
                "Your cart", Optional.of(HTML), Optional.of(TEXT), Priority.MARKETING, Optional.of(url)));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.raw("List-Unsubscribe")).isEqualTo("<" + url + ">");
        assertThat(mail.raw("List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(written()).contains("\r\nList-Unsubscribe: <" + url + ">\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }

    @Test
    void without_an_unsubscribe_url_there_are_no_list_headers() throws IOException {
        sender().send(email("Your cart", Optional.of(HTML), Optional.of(TEXT)));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.raw("List-Unsubscribe")).isNull();
        assertThat(mail.raw("List-Unsubscribe-Post")).isNull();
    }

    @Test
    void a_non_ascii_subject_is_written_as_encoded_words_that_decode_to_the_original() throws IOException {
        String subject = "Grüße aus Zürich — dein Warenkorb wartet 🛒 auf dich, Ada! Nur heute: 20 % Rabatt";
        sender().send(email(subject, Optional.of(HTML), Optional.of(TEXT)));

        String raw = written();
        ParsedMail mail = ParsedMail.parse(raw);
        assertThat(mail.raw("Subject")).startsWith("=?UTF-8?B?").matches("\\p{ASCII}*");
        assertThat(mail.header("Subject")).isEqualTo(subject);
        // Long enough to need several encoded-words, each on its own folded line of at most 78 characters.
        List<String> subjectLines = raw.substring(raw.indexOf("Subject:"), raw.indexOf("\r\nMessage-ID:")).lines().toList();
        assertThat(subjectLines).hasSizeGreaterThan(1).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
    }

    @Test
    void text_and_html_become_multipart_alternative_with_text_first_and_both_decode_to_the_originals()
            throws IOException {
        sender().send(email("Your cart", Optional.of(HTML), Optional.of(TEXT)));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.mediaType()).isEqualTo("multipart/alternative");
        List<ParsedMail> parts = mail.parts();
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).mediaType()).isEqualTo("text/plain");
        assertThat(parts.get(0).parameter("charset")).isEqualToIgnoringCase("UTF-8");
        assertThat(parts.get(0).raw("Content-Transfer-Encoding")).isEqualToIgnoringCase("quoted-printable");
        // text/* travels in canonical form, with CRLF line breaks.
        assertThat(parts.get(0).text()).isEqualTo(TEXT.replace("\n", "\r\n"));
        assertThat(parts.get(1).mediaType()).isEqualTo("text/html");
        assertThat(parts.get(1).parameter("charset")).isEqualToIgnoringCase("UTF-8");
        assertThat(parts.get(1).raw("Content-Transfer-Encoding")).isEqualToIgnoringCase("quoted-printable");
        assertThat(parts.get(1).text()).isEqualTo(HTML);
    }

    @Test
    void html_alone_is_a_single_html_part() throws IOException {
        sender().send(email("Your cart", Optional.of(HTML), Optional.empty()));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.mediaType()).isEqualTo("text/html");
        assertThat(mail.parameter("charset")).isEqualToIgnoringCase("UTF-8");
        assertThat(mail.text()).isEqualTo(HTML);
    }

    @Test
    void text_alone_is_a_single_plain_part() throws IOException {
        sender().send(email("Your cart", Optional.empty(), Optional.of(TEXT)));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.mediaType()).isEqualTo("text/plain");
        assertThat(mail.text()).isEqualTo(TEXT.replace("\n", "\r\n"));
    }

    @Test
    void every_line_ends_in_crlf_is_ascii_and_fits_the_quoted_printable_limit() throws IOException {
        // Default provider ids (a UUID) make the longest boundary.
        new OutboxEmailSender(outbox(), CLOCK).send(email("Grüße", Optional.of(HTML), Optional.of(TEXT)));

        String raw = written();
        assertThat(raw).endsWith("\r\n");
        assertThat(raw.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(raw).matches("\\p{ASCII}*");
        assertThat(raw.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
    }

    @Test
    void a_line_break_in_the_subject_cannot_add_a_header() throws IOException {
        sender().send(email("Hello\r\nBcc: mallory@example.net", Optional.empty(), Optional.of("hi")));

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.raw("Bcc")).isNull();
        assertThat(mail.header("Subject")).isEqualTo("Hello Bcc: mallory@example.net");
    }

    @Test
    void a_non_ascii_display_name_is_encoded_and_the_address_kept() throws IOException {
        EmailMessage email = new EmailMessage(MESSAGE_ID, "cart-reminder", "Café Zoë <hello@nudge.example>",
                "ada@example.org", "Hi", Optional.empty(), Optional.of("hi"), Priority.TRANSACTIONAL);
        sender().send(email);

        ParsedMail mail = ParsedMail.parse(written());
        assertThat(mail.raw("From")).startsWith("=?UTF-8?B?").endsWith(" <hello@nudge.example>");
        assertThat(mail.header("From")).isEqualTo("Café Zoë <hello@nudge.example>");
        assertThat(mail.raw("X-Nudge-Priority")).isEqualTo("transactional");
    }

    @Test
    void default_provider_ids_are_local_uuids_and_unique() {
        OutboxEmailSender sender = new OutboxEmailSender(outbox(), CLOCK);

        SendOutcome first = sender.send(email("One", Optional.empty(), Optional.of("1")));
        SendOutcome second = sender.send(email("Two", Optional.empty(), Optional.of("2")));

        assertThat(first).isInstanceOfSatisfying(SendOutcome.Accepted.class, a -> assertThat(a.providerMessageId())
                .matches("local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void the_outbox_folder_is_created_when_missing() {
        Path deep = dir.resolve("a/b/outbox");

        SendOutcome outcome = new OutboxEmailSender(deep, CLOCK).send(email("Hi", Optional.empty(), Optional.of("hi")));

        assertThat(outcome).isInstanceOf(SendOutcome.Accepted.class);
        assertThat(deep.resolve(MESSAGE_ID + ".eml")).isRegularFile();
    }

    @Test
    void an_outbox_that_cannot_be_a_folder_is_retryable() throws IOException {
        Files.writeString(outbox(), "a file where the folder should be");

        SendOutcome outcome = sender().send(email("Hi", Optional.empty(), Optional.of("hi")));

        assertThat(outcome).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void a_failed_write_leaves_no_partial_file_behind() throws IOException {
        // A non-empty folder squatting on the target name makes the final rename fail after the content was written.
        Path squatter = Files.createDirectories(outbox().resolve(MESSAGE_ID + ".eml"));
        Files.writeString(squatter.resolve("keep"), "x");

        SendOutcome outcome = sender().send(email("Hi", Optional.empty(), Optional.of("hi")));

        assertThat(outcome).isInstanceOf(SendOutcome.Unavailable.class);
        try (Stream<Path> files = Files.list(outbox())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(MESSAGE_ID + ".eml");
        }
    }

    @Test
    void a_message_id_that_could_leave_the_outbox_is_refused() {
        EmailMessage escaping = new EmailMessage("../../etc/passwd", "t", "a@b.c", "d@e.f", "s",
                Optional.empty(), Optional.of("x"), Priority.MARKETING);

        assertThatThrownBy(() -> sender().send(escaping))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("messageId");
    }
}
