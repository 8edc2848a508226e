package io.nudge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.bench.report.Chart;
import io.nudge.bench.report.Markdown;
import io.nudge.bench.report.Percentiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test: reports and charts are written (headless Java2D, no extra dependency). */
class ReportTest {
    @Test
    void chart_is_a_png_and_percentiles_are_nearest_rank(@TempDir Path dir) throws Exception {
        new Chart("test").panel(Chart.Panel.of("values", List.of(Chart.Bar.of("a", 3, "3"), Chart.Bar.of("b", 120, "120")))
                .withTarget(100, "target").log()).write(dir.resolve("c.png"));
        assertThat(ImageIO.read(dir.resolve("c.png").toFile()).getWidth()).isEqualTo(1000);

        Percentiles p = new Percentiles(new double[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
        assertThat(p.at(50)).isEqualTo(5);
        assertThat(p.at(99)).isEqualTo(10);

        new Markdown().h1("t").table(List.of("a"), List.of(List.of("1"))).write(dir.resolve("r.md"));
        assertThat(Files.readString(dir.resolve("r.md"))).contains("| a |", "| 1 |");
    }
}
