package course.reactor.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * One server's rounds of one scenario point, summed up: means and spread of the per-round figures,
 * and latency percentiles from the merged histogram (never a mean of percentiles).
 */
record Summary(String server, List<Row> runs, Histogram merged) {
    /** An open-loop generator that is polling uses all of its cores; below this share it was kept waiting. */
    static final double STARVED = 0.9;

    /** scenario key → server → summary, servers in the order they were measured. */
    static Map<String, Map<String, Summary>> of(Results results) {
        Map<String, Map<String, List<Row>>> grouped = new LinkedHashMap<>();
        for (Row row : results.rows()) {
            String key = row.point().isEmpty() ? row.scenario() : row.scenario() + "-" + row.point();
            grouped.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .computeIfAbsent(row.server(), s -> new ArrayList<>()).add(row);
        }
        Map<String, Map<String, Summary>> summaries = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Row>>> scenario : grouped.entrySet()) {
            Map<String, Summary> byServer = new LinkedHashMap<>();
            for (Server server : results.servers) { // the catalogue's order, not the rounds' rotating one
                List<Row> runs = scenario.getValue().get(server.name());
                if (runs != null) {
                    byServer.put(server.name(), new Summary(server.name(), runs, results.merged(scenario.getKey(), server.name())));
                }
            }
            for (Map.Entry<String, List<Row>> server : scenario.getValue().entrySet()) {
                byServer.computeIfAbsent(server.getKey(),
                        name -> new Summary(name, server.getValue(), results.merged(scenario.getKey(), name)));
            }
            summaries.put(scenario.getKey(), byServer);
        }
        return summaries;
    }

    /** The mean over the rounds that measured it (NaN cells are not rounds that measured it). */
    double mean(ToDoubleFunction<Row> field) {
        return runs.stream().mapToDouble(field).filter(value -> !Double.isNaN(value)).average().orElse(Double.NaN);
    }

    double min(ToDoubleFunction<Row> field) {
        return runs.stream().mapToDouble(field).filter(value -> !Double.isNaN(value)).min().orElse(Double.NaN);
    }

    double max(ToDoubleFunction<Row> field) {
        return runs.stream().mapToDouble(field).filter(value -> !Double.isNaN(value)).max().orElse(Double.NaN);
    }

    /** The largest distance from the mean to a round's value: an error bar that covers every round. */
    double deviation(ToDoubleFunction<Row> field) {
        double mean = mean(field);
        return Math.max(max(field) - mean, mean - min(field));
    }

    double percentile(double percentile) {
        return Histograms.micros(merged, percentile);
    }

    double maxMicros() {
        return Histograms.maxMicros(merged);
    }

    long errors() {
        return runs.stream().mapToLong(Row::errors).sum();
    }

    long unanswered() {
        return runs.stream().mapToLong(Row::unanswered).sum();
    }

    int lesson() {
        return runs.get(0).lesson();
    }

    String mode() {
        return runs.get(0).mode();
    }

    /** Closed loop: the server did not use its cores to the full in the mean round. */
    boolean unsaturated() {
        return mode().equals("closed") && mean(Row::serverCoreUse) < Row.SATURATED;
    }

    /**
     * Open loop: the generator, which should have been polling all window long (its sends less than
     * {@link GeneratorLoop#SPIN_NANOS} apart), had less than 90 % of its cores: something else on
     * the machine took the CPU, and the latency of this row includes the generator's own lateness.
     */
    boolean generatorStarved() {
        if (!mode().equals("open")) {
            return false;
        }
        double sendsPerSecondPerCore = mean(Row::offeredPerSecond) / Math.max(1, runs.get(0).generatorThreads());
        return sendsPerSecondPerCore * GeneratorLoop.SPIN_NANOS / 1e9 > 1 && mean(Row::generatorCoreUse) < STARVED;
    }

    /** Closed loop: the generator's cores were full while the server's were not: the generator set the pace. */
    boolean generatorBound() {
        return unsaturated() && mean(Row::generatorCoreUse) >= Row.SATURATED;
    }
}
