package io.nudge.channel;

import io.nudge.model.Priority;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A rendered email, ready for a provider. {@code to} is personal data: never log it.
 *
 * @param unsubscribeUrl when present, sent as {@code List-Unsubscribe} with RFC 8058 one-click
 *     ({@code List-Unsubscribe-Post}); an absolute http(s) URL (mailbox providers require https for one-click) of
 *     printable ASCII, at most 868 characters so that {@code <url>} fits SES's 870-character header value
 */
public record EmailMessage(
        String messageId,
        String triggerId,
        String from,
        String to,
        String subject,
        Optional<String> html,
        Optional<String> text,
        Priority priority,
        Optional<String> unsubscribeUrl) {
    static final int MAX_UNSUBSCRIBE_URL_LENGTH = 868;
    // Printable ASCII without space, '<' and '>': the URL goes between angle brackets in a header.
    private static final Pattern HEADER_SAFE = Pattern.compile("[!-;=?-~]+");

    /** An email without an unsubscribe link (transactional mail). */
    public EmailMessage(String messageId, String triggerId, String from, String to, String subject,
            Optional<String> html, Optional<String> text, Priority priority) {
        this(messageId, triggerId, from, to, subject, html, text, priority, Optional.empty());
    }

    public EmailMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(unsubscribeUrl, "unsubscribeUrl");
        if (html.isEmpty() && text.isEmpty()) {
            throw new IllegalArgumentException("an email needs an html or a text part");
        }
        unsubscribeUrl.ifPresent(EmailMessage::requireHeaderSafeUrl);
    }

    private static void requireHeaderSafeUrl(String url) {
        if (url.length() > MAX_UNSUBSCRIBE_URL_LENGTH || !HEADER_SAFE.matcher(url).matches()) {
            throw new IllegalArgumentException("unsubscribeUrl must be at most " + MAX_UNSUBSCRIBE_URL_LENGTH
                    + " printable ASCII characters without spaces or angle brackets");
        }
        try {
            URI uri = new URI(url);
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null) {
                throw new IllegalArgumentException("unsubscribeUrl must be an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("unsubscribeUrl is not a URL");
        }
    }

    @Override
    public String toString() {
        return "EmailMessage[messageId=" + messageId + ", triggerId=" + triggerId + "]";
    }
}
