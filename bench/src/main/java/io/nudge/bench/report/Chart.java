package io.nudge.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Horizontal bar charts, one panel per measure, drawn with plain Java2D (headless) and written as PNG. A panel may
 * carry a target line, so a missed target is visible at a glance.
 */
public final class Chart {
    private static final int WIDTH = 1000;
    private static final int BAR = 22;
    private static final int GAP = 8;
    private static final int LABEL_WIDTH = 330;
    private static final Color[] COLORS = {new Color(0x2f6fdf), new Color(0xe07b39), new Color(0x3a9d5d), new Color(0x8e5cc9),
        new Color(0xc9474f), new Color(0x6b7b8c)};

    public record Bar(String label, double value, String text, int colour) {
        public static Bar of(String label, double value, String text) {
            return new Bar(label, value, text, 0);
        }
    }

    public record Panel(String title, List<Bar> bars, Optional<Double> target, String targetLabel, boolean logScale) {
        public static Panel of(String title, List<Bar> bars) {
            return new Panel(title, bars, Optional.empty(), "", false);
        }

        public Panel withTarget(double value, String label) {
            return new Panel(title, bars, Optional.of(value), label, logScale);
        }

        public Panel log() {
            return new Panel(title, bars, target, targetLabel, true);
        }
    }

    private final String title;
    private final List<Panel> panels = new ArrayList<>();

    public Chart(String title) {
        this.title = title;
    }

    public Chart panel(Panel panel) {
        panels.add(panel);
        return this;
    }

    public void write(Path file) {
        System.setProperty("java.awt.headless", "true");
        int height = 60;
        for (Panel panel : panels) {
            height += 40 + panel.bars().size() * (BAR + GAP) + 20;
        }
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 16, 32);
        int y = 60;
        for (Panel panel : panels) {
            y = draw(g, panel, y);
        }
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int draw(Graphics2D g, Panel panel, int y) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(panel.title(), 16, y + 18);
        y += 32;
        double max = panel.bars().stream().mapToDouble(Bar::value).max().orElse(1);
        if (panel.target().isPresent()) {
            max = Math.max(max, panel.target().get());
        }
        max = max <= 0 ? 1 : max * 1.05;
        double min = panel.logScale() ? Math.max(1e-9, panel.bars().stream().mapToDouble(Bar::value).filter(v -> v > 0).min().orElse(1) / 2) : 0;
        int plotLeft = LABEL_WIDTH + 20;
        int plotWidth = WIDTH - plotLeft - 170;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics metrics = g.getFontMetrics();
        int top = y;
        for (Bar bar : panel.bars()) {
            g.setColor(Color.BLACK);
            String label = bar.label();
            while (metrics.stringWidth(label) > LABEL_WIDTH && label.length() > 4) {
                label = label.substring(0, label.length() - 2);
            }
            g.drawString(label, plotLeft - 10 - metrics.stringWidth(label), y + BAR - 6);
            int length = (int) Math.round(scale(bar.value(), min, max, panel.logScale()) * plotWidth);
            g.setColor(COLORS[Math.floorMod(bar.colour(), COLORS.length)]);
            g.fillRect(plotLeft, y, Math.max(1, length), BAR);
            g.setColor(Color.BLACK);
            g.drawString(bar.text(), plotLeft + Math.max(1, length) + 6, y + BAR - 6);
            y += BAR + GAP;
        }
        if (panel.target().isPresent()) {
            int x = plotLeft + (int) Math.round(scale(panel.target().get(), min, max, panel.logScale()) * plotWidth);
            g.setColor(new Color(0xc0392b));
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.drawLine(x, top - 4, x, y - GAP + 4);
            g.setStroke(new BasicStroke(1f));
            g.drawString(panel.targetLabel(), Math.min(x + 4, WIDTH - 10 - metrics.stringWidth(panel.targetLabel())), top - 6);
        }
        return y + 20;
    }

    private static double scale(double value, double min, double max, boolean log) {
        if (log) {
            if (value <= 0) {
                return 0;
            }
            return Math.max(0, Math.log(value / min) / Math.log(max / min));
        }
        return Math.max(0, value / max);
    }
}
