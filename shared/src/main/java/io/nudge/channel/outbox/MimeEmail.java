package io.nudge.channel.outbox;

import io.nudge.channel.EmailMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an {@link EmailMessage} as an RFC 5322 / MIME message, the way SES would put it on the wire, so any mail
 * client can open the outbox. Text parts are quoted-printable: readable in an editor, and safe for any content.
 */
final class MimeEmail {
    static final String CRLF = "\r\n";
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    // RFC 2047: an encoded-word is at most 75 characters; 36 bytes make 48 base64 characters, 60 with the wrapping,
    // which keeps even the first line ("Subject: " + word) under 78.
    private static final int ENCODED_WORD_BYTES = 36;
    private static final int QP_LINE = 76;
    // Long ASCII headers are encoded too, because encoded-words can be folded and a header line must stay < 998.
    private static final int MAX_PLAIN_HEADER = 900;
    private static final Pattern NAME_ADDR = Pattern.compile("^(.*?)\\s*<([^<>]+)>\\s*$");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MimeEmail() {}

    static String render(EmailMessage email, String providerId, Instant at) {
        StringBuilder out = new StringBuilder(1024);
        header(out, "Date", DATE.format(at));
        header(out, "From", address(email.from()));
        header(out, "To", address(email.to()));
        header(out, "Subject", text(email.subject()));
        header(out, "Message-ID", "<" + oneLine(providerId) + "@nudge.local>");
        header(out, "MIME-Version", "1.0");
        header(out, "X-Nudge-Message-Id", oneLine(email.messageId()));
        header(out, "X-Nudge-Trigger-Id", oneLine(email.triggerId()));
        header(out, "X-Nudge-Priority", email.priority().wire());
        // The same two headers SesEmailSender asks SES to add, so the outbox shows what a mailbox provider sees.
        email.unsubscribeUrl().ifPresent(url -> {
            header(out, "List-Unsubscribe", "<" + oneLine(url) + ">");
            header(out, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        });
        if (email.text().isPresent() && email.html().isPresent()) {
            String boundary = boundary(providerId);
            // Folded: with a long provider id the line would pass 78 characters.
            header(out, "Content-Type", "multipart/alternative;" + CRLF + " boundary=\"" + boundary + "\"");
            out.append(CRLF);
            part(out, boundary, "text/plain", email.text().get());
            part(out, boundary, "text/html", email.html().get());
            out.append("--").append(boundary).append("--").append(CRLF);
        } else {
            boolean html = email.html().isPresent();
            header(out, "Content-Type", (html ? "text/html" : "text/plain") + "; charset=UTF-8");
            header(out, "Content-Transfer-Encoding", "quoted-printable");
            out.append(CRLF);
            String body = quotedPrintable(html ? email.html().get() : email.text().get());
            // The file ends with CRLF like every other line; when the content does not, a soft line break ("=")
            // ends it, so decoding gives back exactly the content and no extra line.
            out.append(body).append(body.endsWith(CRLF) ? "" : "=" + CRLF);
        }
        return out.toString();
    }

    private static void part(StringBuilder out, String boundary, String type, String content) {
        out.append("--").append(boundary).append(CRLF);
        header(out, "Content-Type", type + "; charset=UTF-8");
        header(out, "Content-Transfer-Encoding", "quoted-printable");
        out.append(CRLF);
        out.append(quotedPrintable(content)).append(CRLF);
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append(CRLF);
    }

    /**
     * "=_" cannot occur in quoted-printable output ("=" is always followed by a hex digit or a line break), so a
     * boundary starting with it can never collide with a part's content.
     */
    private static String boundary(String providerId) {
        String boundary = "=_nudge_" + providerId.replaceAll("[^A-Za-z0-9-]", "");
        return boundary.length() <= 70 ? boundary : boundary.substring(0, 70);
    }

    /** Unstructured header text: as is when plain ASCII, else RFC 2047 encoded-words, folded. */
    static String text(String value) {
        String line = oneLine(value);
        if (isPlainAscii(line) && line.length() <= MAX_PLAIN_HEADER) {
            return line;
        }
        return encodedWords(line);
    }

    /** An address: only a display name may be encoded; the address itself stays as written (RFC 6532 if not ASCII). */
    static String address(String value) {
        String line = oneLine(value);
        if (isPlainAscii(line)) {
            return line;
        }
        Matcher m = NAME_ADDR.matcher(line);
        if (m.matches() && !m.group(1).isBlank()) {
            return encodedWords(m.group(1).strip()) + " <" + m.group(2).strip() + ">";
        }
        return line;
    }

    private static String encodedWords(String value) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start < value.length()) {
            // Cut on code point boundaries so no encoded-word holds half a character (RFC 2047 section 5).
            int end = start;
            int bytes = 0;
            while (end < value.length()) {
                int cp = value.codePointAt(end);
                int size = utf8Length(cp);
                if (bytes + size > ENCODED_WORD_BYTES) {
                    break;
                }
                bytes += size;
                end += Character.charCount(cp);
            }
            if (out.length() > 0) {
                out.append(CRLF).append(' ');
            }
            byte[] chunk = value.substring(start, end).getBytes(StandardCharsets.UTF_8);
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            start = end;
        }
        return out.toString();
    }

    /**
     * RFC 2045 quoted-printable of the UTF-8 text with CRLF hard line breaks (the canonical form of text/*) and
     * soft breaks keeping every line within 76 characters.
     */
    static String quotedPrintable(String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8 + 16);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append(CRLF);
            }
            encodeLine(out, lines[i].getBytes(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static void encodeLine(StringBuilder out, byte[] line) {
        int column = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xff;
            boolean last = i == line.length - 1;
            // Trailing spaces and tabs would be stripped by mail software, so they are encoded at the end of a line.
            boolean literal = b >= 33 && b <= 126 && b != '=' || (b == ' ' || b == '\t') && !last;
            int width = literal ? 1 : 3;
            // Always room for a soft break "=" after the token, even at the end (see the single-part body).
            if (column + width > QP_LINE - 1) {
                out.append('=').append(CRLF);
                column = 0;
            }
            if (literal) {
                out.append((char) b);
            } else {
                out.append('=').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
            column += width;
        }
    }

    private static String oneLine(String value) {
        // A line break in a header value would start a new header: never let rendered content inject one.
        return value.replaceAll("[\\r\\n]+", " ");
    }

    private static boolean isPlainAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
