package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histograms merge sample by sample, take any value, and write HdrHistogram's own format. */
class HistogramsTest {
    private static final long MICROSECOND = 1_000;

    @TempDir
    Path directory;

    @Test
    void mergingKeepsEverySampleWhereAveragingPercentilesInventsOne() {
        Histogram stalled = Histograms.create();
        record(stalled, 990, 100 * MICROSECOND);
        record(stalled, 10, 100_000 * MICROSECOND); // a 100 ms stall in one round
        Histogram calm = Histograms.create();
        record(calm, 1_000, 100 * MICROSECOND);

        Histogram merged = Histograms.merge(List.of(stalled, calm));

        assertThat(merged.getTotalCount()).isEqualTo(2_000);
        assertThat(Histograms.micros(merged, 99)).isCloseTo(100, within(0.1));
        assertThat(Histograms.micros(merged, 99.9)).isCloseTo(100_000, within(100.0));
        // The mean of the two rounds' p99.9 would be ~50 ms: a latency no frame had.
        double averaged = (Histograms.micros(stalled, 99.9) + Histograms.micros(calm, 99.9)) / 2;
        assertThat(averaged).isBetween(49_000.0, 51_000.0);
    }

    @Test
    void aValueFarAboveAnyPresetRangeIsRecordedNotThrown() {
        Histogram histogram = Histograms.create();
        long twoHours = TimeUnit.HOURS.toNanos(2);
        histogram.recordValue(1);
        histogram.recordValue(twoHours);

        assertThat(Histograms.maxMicros(histogram)).isCloseTo(twoHours / 1e3, within(twoHours / 1e3 / 500));
        assertThat(Histograms.micros(Histograms.create(), 50)).isNaN();
    }

    @Test
    void hgrmIsTheHdrPercentileDistributionInMicroseconds() throws Exception {
        Histogram histogram = Histograms.create();
        record(histogram, 1_000, 250 * MICROSECOND);
        Path file = directory.resolve("hgrm").resolve("pp-final.hgrm");

        Histograms.writeHgrm(histogram, file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0).trim().split("\\s+")).containsExactly("Value", "Percentile", "TotalCount", "1/(1-Percentile)");
        assertThat(lines.get(2).trim()).startsWith("250.");
        assertThat(lines).anyMatch(line -> line.matches("#\\[Mean\\s+=\\s+250\\.\\d+, StdDeviation.*"))
                .anyMatch(line -> line.matches("#\\[Max\\s+=\\s+250\\.\\d+, Total count\\s+=\\s+1000]"));
    }

    @Test
    void percentilePointsSpreadTheTailByDecades() {
        Histogram histogram = Histograms.create();
        for (int i = 1; i <= 10_000; i++) {
            histogram.recordValue(i * MICROSECOND);
        }
        List<Histograms.Point> points = Histograms.percentilePoints(histogram);

        assertThat(points).isNotEmpty().allSatisfy(point -> assertThat(point.percentile()).isLessThan(100));
        assertThat(new Histograms.Point(90, 1).tailX()).isCloseTo(10, within(1e-9));
        assertThat(new Histograms.Point(99.9, 1).tailX()).isCloseTo(1_000, within(1e-6));
        assertThat(Charts.percentileLabel(1)).isEqualTo("0%");
        assertThat(Charts.percentileLabel(100)).isEqualTo("99%");
        assertThat(Charts.percentileLabel(10_000)).isEqualTo("99.99%");
    }

    private static void record(Histogram histogram, int count, long nanos) {
        for (int i = 0; i < count; i++) {
            histogram.recordValue(nanos);
        }
    }
}
