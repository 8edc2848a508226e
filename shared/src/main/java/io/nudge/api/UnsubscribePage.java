package io.nudge.api;

import java.util.Map;

/** The small HTML page a person sees after following an unsubscribe link: a title, a line and perhaps a button. */
final class UnsubscribePage {
    private UnsubscribePage() {}

    /**
     * {@code title} and {@code text} are our own words, never request input; {@code formQuery} (null: no button) is
     * the query the button posts back, already URL-encoded.
     */
    static ApiResponse render(int status, String title, String text, String formQuery) {
        return render(status, title, text, formQuery, null);
    }

    /** {@code preferences}: the person's preference page (its path and signed query), linked below; null for none. */
    static ApiResponse render(int status, String title, String text, String formQuery, String preferences) {
        String form = formQuery == null ? "" : "<form method=\"post\" action=\"/v1/unsubscribe?" + formQuery + "\">"
                + "<button type=\"submit\">Unsubscribe</button></form>";
        if (preferences != null) {
            form += "<p><a href=\"" + preferences.replace("&", "&amp;").replace("\"", "&quot;") + "\">Choose what you hear about</a></p>";
        }
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + escape(title) + "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">"
                + "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>" + form + "</body></html>";
        return new ApiResponse(status, Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-store"), html);
    }

    /** A topic's name (an admin's words) appears in the text: nothing in it may become markup. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
