package io.nudge.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A Markdown report, written once at the end of a benchmark. */
public final class Markdown {
    private final StringBuilder text = new StringBuilder();

    public Markdown h1(String title) {
        text.append("# ").append(title).append("\n\n");
        return this;
    }

    public Markdown h2(String title) {
        text.append("## ").append(title).append("\n\n");
        return this;
    }

    public Markdown p(String paragraph) {
        text.append(paragraph.strip()).append("\n\n");
        return this;
    }

    public Markdown code(String block) {
        text.append("```\n").append(block.strip()).append("\n```\n\n");
        return this;
    }

    public Markdown bullets(List<String> items) {
        items.forEach(item -> text.append("- ").append(item).append('\n'));
        text.append('\n');
        return this;
    }

    public Markdown table(List<String> header, List<List<String>> rows) {
        text.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> text.append("---|"));
        text.append('\n');
        for (List<String> row : rows) {
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        text.append('\n');
        return this;
    }

    public Markdown image(String alt, String file) {
        text.append("![").append(alt).append("](").append(file).append(")\n\n");
        return this;
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** Numbers as people read them: 12,345 / 1.23 / 0.0123. */
    public static String num(double value) {
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    public static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    public static String money(double dollars) {
        if (Math.abs(dollars) >= 100) {
            return String.format(Locale.ROOT, "$%,.0f", dollars);
        }
        if (Math.abs(dollars) >= 1) {
            return String.format(Locale.ROOT, "$%,.2f", dollars);
        }
        return String.format(Locale.ROOT, "$%.4f", dollars);
    }

    public static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }
}
