package course.reactor.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency histograms: recorded in nanoseconds, merged across rounds and threads, written as
 * HdrHistogram's percentile distribution (the {@code .hgrm} text its plotter reads) in microseconds.
 *
 * <p>Percentiles are never averaged. The mean of three rounds' p99 is not the p99 of anything: one
 * round with a 100 ms stall and two without average to a third of the stall, while the merged
 * histogram still holds every sample and says where the 99th percentile of all of them lies.
 */
final class Histograms {
    /** HdrHistogram's resolution: values are kept to 3 significant digits (0.1 %). */
    static final int SIGNIFICANT_DIGITS = 3;
    /** How finely the .hgrm output steps through the percentiles, as HdrHistogram's own tools do. */
    static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double NANOS_PER_MICRO = 1_000.0;

    private Histograms() {
    }

    /**
     * An empty histogram that grows to hold any value: a server that stalls for longer than any
     * range chosen in advance must show up as a long latency, not as an exception.
     */
    static Histogram create() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /** The sum of {@code parts}: every sample of every part, in a new histogram. */
    static Histogram merge(List<Histogram> parts) {
        Histogram merged = create();
        for (Histogram part : parts) {
            merged.add(part);
        }
        return merged;
    }

    /** The value at {@code percentile} (0–100), in microseconds; NaN for an empty histogram. */
    static double micros(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }

    static double maxMicros(Histogram histogram) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / NANOS_PER_MICRO;
    }

    /** Writes the percentile distribution, values in microseconds, to {@code file}. */
    static void writeHgrm(Histogram histogram, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
        }
    }

    /** One point of a percentile-distribution chart: the percentile and the latency there. */
    record Point(double percentile, double micros) {
        /**
         * Where the point goes on a log axis that spreads the tail: 1 / (1 − percentile), so that
         * 90 %, 99 % and 99.9 % are one decade apart (HdrHistogram's plotter does the same).
         */
        double tailX() {
            return 1 / (1 - percentile / 100);
        }
    }

    /** The distribution's steps, as in the .hgrm file, without the final 100 % (infinite on the tail axis). */
    static List<Point> percentilePoints(Histogram histogram) {
        List<Point> points = new ArrayList<>();
        for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double percentile = value.getPercentileLevelIteratedTo();
            if (percentile >= 100) {
                break;
            }
            points.add(new Point(percentile, value.getValueIteratedTo() / NANOS_PER_MICRO));
        }
        return points;
    }
}
