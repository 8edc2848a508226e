package io.nudge.channel.outbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a MIME reader, in plain Java, to read what the outbox wrote: header unfolding, RFC 2047 B and Q
 * encoded-words, multipart splitting and quoted-printable / base64 bodies. Written independently of the writer
 * ({@link MimeEmail}), so the writer's tests check it against a second reading; the local console's outbox view reads
 * the files with it.
 */
public record ParsedMail(Map<String, String> rawHeaders, String rawBody) {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)\\s+(=\\?)");

    public static ParsedMail parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalArgumentException("no blank line after the headers");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String unfolded = raw.substring(0, end).replaceAll("\r\n[ \t]", " ");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        return new ParsedMail(headers, raw.substring(end + 4));
    }

    /** The header as written on the wire (unfolded), or null. */
    public String raw(String name) {
        return rawHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    /** The header with encoded-words decoded. */
    public String header(String name) {
        String value = raw(name);
        return value == null ? null : decodeWords(value);
    }

    public String mediaType() {
        return raw("Content-Type").split(";")[0].strip().toLowerCase(Locale.ROOT);
    }

    public String parameter(String name) {
        Matcher m = Pattern.compile(";\\s*" + name + "=(\"([^\"]*)\"|[^;\\s]+)", Pattern.CASE_INSENSITIVE)
                .matcher(raw("Content-Type"));
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    public List<ParsedMail> parts() {
        String boundary = parameter("boundary");
        String delimiter = "--" + boundary;
        String body = "\r\n" + rawBody;
        List<ParsedMail> parts = new ArrayList<>();
        int at = body.indexOf("\r\n" + delimiter);
        while (at >= 0) {
            int contentStart = at + 2 + delimiter.length();
            if (body.startsWith("--", contentStart)) {
                break;
            }
            contentStart += 2; // the CRLF ending the delimiter line
            int next = body.indexOf("\r\n" + delimiter, contentStart);
            parts.add(parse(body.substring(contentStart, next)));
            at = next;
        }
        return parts;
    }

    /** The body decoded by its transfer encoding and charset. */
    public String text() {
        String encoding = raw("Content-Transfer-Encoding");
        byte[] bytes;
        if (encoding == null || encoding.equalsIgnoreCase("7bit") || encoding.equalsIgnoreCase("8bit")) {
            bytes = rawBody.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equalsIgnoreCase("base64")) {
            bytes = Base64.getMimeDecoder().decode(rawBody);
        } else if (encoding.equalsIgnoreCase("quoted-printable")) {
            bytes = quotedPrintable(rawBody);
        } else {
            throw new IllegalArgumentException("unknown transfer encoding " + encoding);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] quotedPrintable(String encoded) {
        String joined = encoded.replace("=\r\n", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=') {
                out.write(Integer.parseInt(joined.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    static String decodeWords(String value) {
        String adjacent = BETWEEN_WORDS.matcher(value).replaceAll("$1$2");
        Matcher m = ENCODED_WORD.matcher(adjacent);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            byte[] bytes = m.group(2).equalsIgnoreCase("B")
                    ? Base64.getDecoder().decode(m.group(3))
                    : quotedPrintable(m.group(3).replace('_', ' '));
            m.appendReplacement(out, Matcher.quoteReplacement(new String(bytes, StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
