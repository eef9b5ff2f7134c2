package course.reactor.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts, drawn with XChart: bars per server, lines over a sweep or over the
 * lessons, and HdrHistogram-style percentile distributions. Every axis shows plain numbers
 * ({@code 2,000,000}, not {@code 2E6}); latency axes are logarithmic, since a 50 µs median and a
 * 100 ms tail must both be readable.
 */
final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 550;
    private static final String PLAIN = "#,##0.##";

    private Charts() {
    }

    /** One line of an XY chart; {@code errors} may be null (no error bars). */
    record Line(List<Double> x, List<Double> y, List<Double> errors) {
        Line {
            x = List.copyOf(x);
            y = List.copyOf(y);
            errors = errors == null ? null : List.copyOf(errors);
        }
    }

    /**
     * Bars per server, one colour per series; {@code errors} (same keys, may be empty) are ± bars.
     * On a log scale bars have no floor to stand on, so each value is drawn as a point instead, and
     * a server with a value missing is left out; on a linear one a missing value is a zero bar.
     */
    static void bars(Path file, String title, String yTitle, List<String> servers, Map<String, List<Double>> series,
                     Map<String, List<Double>> errors, boolean logY) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (logY) {
            chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(10);
        }
        plainNumbers(chart.getStyler(), false);
        Map<String, List<Double>> drawn = new LinkedHashMap<>();
        series.forEach((name, values) -> {
            if (values.stream().anyMatch(value -> drawable(value, logY))) {
                drawn.put(name, values); // a series with nothing measured is left out, not drawn as zeros
            }
        });
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            int server = i;
            if (!logY || drawn.values().stream().allMatch(values -> drawable(values.get(server), true))) {
                kept.add(i);
            }
        }
        if (kept.isEmpty() || drawn.isEmpty()) {
            return;
        }
        List<String> categories = kept.stream().map(servers::get).toList();
        for (Map.Entry<String, List<Double>> one : drawn.entrySet()) {
            List<Double> values = kept.stream().map(i -> drawable(one.getValue().get(i), logY) ? one.getValue().get(i) : 0.0).toList();
            List<Double> bars = errors.get(one.getKey());
            if (bars != null) {
                chart.addSeries(one.getKey(), categories, values, clampErrors(values, kept.stream().map(bars::get).toList(), logY));
            } else {
                chart.addSeries(one.getKey(), categories, values);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Lines over a numeric x axis: one per server, or one per scenario. */
    static void lines(Path file, String title, String xTitle, String yTitle, Map<String, Line> lines, boolean logX,
                      boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        plainNumbers(chart.getStyler(), true);
        boolean any = false;
        for (Map.Entry<String, Line> one : lines.entrySet()) {
            Line line = drawable(one.getValue(), logX, logY);
            if (line.x().isEmpty()) {
                continue;
            }
            XYSeries series = line.errors() == null
                    ? chart.addSeries(one.getKey(), line.x(), line.y())
                    : chart.addSeries(one.getKey(), line.x(), line.y(), clampErrors(line.y(), line.errors(), logY));
            series.setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            return;
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Latency by percentile, one line per server, as HdrHistogram's plotter draws it: the x axis is
     * 1 / (1 − percentile) on a log scale, so that 90 %, 99 %, 99.9 % and 99.99 % are evenly spaced
     * and the tail, where servers differ, gets most of the width. (Drawn as log10 of that on a plain
     * axis, labelled at whole decades.)
     */
    static void percentiles(Path file, String title, Map<String, Histogram> byServer) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("percentile")
                .yAxisTitle("latency, µs (log scale)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        plainNumbers(chart.getStyler(), false);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Charts::decadeLabel);
        boolean any = false;
        for (Map.Entry<String, Histogram> server : byServer.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Histograms.Point point : Histograms.percentilePoints(server.getValue())) {
                if (point.micros() > 0) {
                    x.add(Math.log10(point.tailX()));
                    y.add(point.micros());
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(server.getKey(), x, y).setMarker(SeriesMarkers.NONE);
                any = true;
            }
        }
        if (any) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** A tick at log10(1 / (1 − p)): labelled with p at whole decades (0 %, 90 %, 99 %, ...), blank between. */
    static String decadeLabel(double decades) {
        long decade = Math.round(decades);
        return Math.abs(decades - decade) < 1e-6 && decade >= 0 ? percentileLabel(Math.pow(10, decade)) : " ";
    }

    /** 1 → 0 %, 10 → 90 %, 100 → 99 %, 1000 → 99.9 %: the tail axis's decades as percentiles. */
    static String percentileLabel(double tailX) {
        if (tailX < 1.5) {
            return "0%";
        }
        double percentile = 100 * (1 - 1 / tailX);
        int decimals = Math.max(0, (int) Math.round(Math.log10(tailX)) - 2);
        return String.format(Locale.ROOT, "%." + decimals + "f%%", percentile);
    }

    /**
     * Plain numbers with thousands separators on both axes ({@code 2,000,000}, not {@code 2E6}). A
     * decimal pattern, not a formatting function: XChart lays out a log axis's ticks only with the former.
     */
    private static void plainNumbers(AxesChartStyler styler, boolean xNumeric) {
        styler.setYAxisDecimalPattern(PLAIN);
        if (xNumeric) {
            styler.setXAxisDecimalPattern(PLAIN);
        }
    }

    /** A log axis cannot show 0, and no axis can show NaN. */
    private static boolean drawable(double value, boolean log) {
        return !Double.isNaN(value) && !Double.isInfinite(value) && (!log || value > 0);
    }

    /** The line without the points an axis cannot show. */
    private static Line drawable(Line line, boolean logX, boolean logY) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<Double> errors = line.errors() == null ? null : new ArrayList<>();
        for (int i = 0; i < line.x().size(); i++) {
            if (drawable(line.x().get(i), logX) && drawable(line.y().get(i), logY)) {
                x.add(line.x().get(i));
                y.add(line.y().get(i));
                if (errors != null) {
                    errors.add(line.errors().get(i));
                }
            }
        }
        return new Line(x, y, errors);
    }

    /** On a log axis an error bar must stay above zero. */
    private static List<Double> clampErrors(List<Double> values, List<Double> errors, boolean log) {
        List<Double> fixed = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++) {
            double error = Double.isNaN(errors.get(i)) ? 0 : errors.get(i);
            fixed.add(log ? Math.min(error, values.get(i) * 0.9) : error);
        }
        return fixed;
    }
}
