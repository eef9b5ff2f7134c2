package course.reactor.bench;

import course.reactor.bench.BenchRunner.Options;
import course.reactor.bench.BenchRunner.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes what a run measured: results.csv (one row per run), report.md (tables), and PNG charts. */
final class Report {
    static final String CSV_HEADER = "server,scenario,round,msgs_per_s,p50_us,p99_us,p999_us,errors,server_cpu_us_per_msg";
    private static final String BASELINE = "netty-nio";

    private Report() {
    }

    static void write(Options options, List<Row> rows, Duration took) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(options.out());
        writeCsv(options.out().resolve("results.csv"), rows);
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("- Command: `./lesson bench ").append(String.join(" ", options.command())).append("`\n");
        md.append("- Machine: ").append(machine()).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append("; Java servers run with `").append(String.join(" ", BenchRunner.JVM_FLAGS)).append("`\n");
        md.append("- Pinning: ").append(Proc.pinServer().isEmpty() ? "none (fewer than 2 CPUs, or no taskset)"
                : "each server on CPU 1, the load generator on CPU 0 (taskset)").append('\n');
        md.append("- Our servers from lesson 25 on run with `--io-threads 1`, from 26 on with `--workers 0`: "
                + "one IO loop, business work on the IO thread, like the peers.\n");
        md.append(String.format(Locale.ROOT, "- %d round(s), interleaved across servers; %.1f s warm-up and %.1f s measured per run; "
                        + "the whole run took %d min %02d s.%n%n", options.rounds(), options.warmup().toMillis() / 1e3,
                options.duration().toMillis() / 1e3, took.toMinutes(), took.toSecondsPart()));
        md.append("Means over the rounds; the spread is the lowest and highest round. ");
        md.append("`vs netty-nio` divides by Netty NIO's mean msgs/s in the same run.\n");

        for (String scenario : options.scenarios()) {
            List<Row> ofScenario = rows.stream().filter(row -> row.scenario().equals(scenario)).toList();
            Map<String, List<Row>> byServer = new LinkedHashMap<>();
            for (Row row : ofScenario) {
                byServer.computeIfAbsent(row.server(), name -> new ArrayList<>()).add(row);
            }
            if (scenario.equals("idle")) {
                idleTable(md, byServer, options.idleConnections());
                continue;
            }
            BenchRunner.Scenario shape = BenchRunner.Scenario.named(scenario, options);
            md.append(String.format(Locale.ROOT, "%n## %s: %d connection(s), depth %d, %d-byte payload%s%n%n", scenario,
                    shape.connections(), shape.depth(), shape.payloadBytes(),
                    shape.interval().isZero() ? "" : ", one frame per connection every " + shape.interval().toMillis() + " ms"));
            md.append("| server | msgs/s | spread | vs netty-nio | p50 µs | p99 µs | p99.9 µs | server CPU µs/msg | errors |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            double baseline = byServer.containsKey(BASELINE) ? mean(byServer.get(BASELINE), Row::msgsPerSecond) : Double.NaN;
            for (Map.Entry<String, List<Row>> entry : byServer.entrySet()) {
                List<Row> runs = entry.getValue();
                double msgs = mean(runs, Row::msgsPerSecond);
                md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f–%,.0f | %s | %.0f | %.0f | %.0f | %.2f | %d |%n",
                        entry.getKey(), msgs, min(runs, Row::msgsPerSecond), max(runs, Row::msgsPerSecond),
                        Double.isNaN(baseline) ? "–" : String.format(Locale.ROOT, "%.2f×", msgs / baseline),
                        mean(runs, Row::p50Micros), mean(runs, Row::p99Micros), mean(runs, Row::p999Micros),
                        mean(runs, Row::cpuMicrosPerMessage), runs.stream().mapToLong(Row::errors).sum()));
            }
            String chart = "throughput-" + scenario + ".png";
            barChart(options.out().resolve(chart), scenario + ": msgs/s", byServer, Map.of("msgs/s", Row::msgsPerSecond));
            md.append("\n![").append(scenario).append(" throughput](").append(chart).append(")\n");
            if (scenario.equals("lat") || scenario.equals("pp")) {
                String latency = "latency-" + scenario + ".png";
                Map<String, ToDoubleFunction<Row>> percentiles = new LinkedHashMap<>();
                percentiles.put("p50", Row::p50Micros);
                percentiles.put("p99", Row::p99Micros);
                percentiles.put("p99.9", Row::p999Micros);
                barChart(options.out().resolve(latency), scenario + ": latency, µs", byServer, percentiles);
                md.append("![").append(scenario).append(" latency](").append(latency).append(")\n");
            }
        }
        Files.writeString(options.out().resolve("report.md"), md.toString());
    }

    private static void idleTable(StringBuilder md, Map<String, List<Row>> byServer, int connections) {
        md.append(String.format(Locale.ROOT, "%n## idle: %,d connections that never send%n%n", connections));
        md.append("Heap: live bytes after a full GC (`jcmd PID GC.class_histogram`), after minus before, per connection. "
                + "RSS: the process's resident memory, likewise; the kernel's socket buffers are not in it.\n\n");
        md.append("| server | connections held | heap B/conn | RSS B/conn | errors |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Row>> entry : byServer.entrySet()) {
            List<Row> runs = entry.getValue();
            double heap = mean(runs, Row::heapBytesPerConnection);
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %d |%n", entry.getKey(),
                    runs.stream().mapToInt(Row::connectionsHeld).min().orElse(0),
                    Double.isNaN(heap) ? "– (not a JVM)" : String.format(Locale.ROOT, "%,.0f", heap),
                    mean(runs, Row::rssBytesPerConnection), runs.stream().mapToLong(Row::errors).sum()));
        }
    }

    static void writeCsv(Path file, List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Row row : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.1f,%.1f,%.1f,%.1f,%d,%.3f%n", row.server(), row.scenario(),
                    row.round(), row.msgsPerSecond(), row.p50Micros(), row.p99Micros(), row.p999Micros(), row.errors(),
                    row.cpuMicrosPerMessage()));
        }
        Files.writeString(file, csv.toString());
    }

    private static void barChart(Path file, String title, Map<String, List<Row>> byServer,
                                 Map<String, ToDoubleFunction<Row>> series) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(500).title(title).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setXAxisLabelRotation(30);
        List<String> servers = new ArrayList<>(byServer.keySet());
        for (Map.Entry<String, ToDoubleFunction<Row>> one : series.entrySet()) {
            List<Double> values = new ArrayList<>();
            for (String server : servers) {
                double value = mean(byServer.get(server), one.getValue());
                values.add(Double.isNaN(value) ? 0 : value);
            }
            chart.addSeries(one.getKey(), servers, values);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String machine() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: say so below
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        long memoryGiB = 0;
        try {
            String meminfo = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            memoryGiB = Math.round(Long.parseLong(meminfo.replaceAll("\\D", "")) / 1024.0 / 1024.0);
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return String.format(Locale.ROOT, "%s, %d CPUs, %d GiB, %s", model, Proc.machineCpus(),
                memoryGiB, kernel);
    }

    static double mean(List<Row> rows, ToDoubleFunction<Row> field) {
        return rows.stream().mapToDouble(field).average().orElse(Double.NaN);
    }

    private static double min(List<Row> rows, ToDoubleFunction<Row> field) {
        return rows.stream().mapToDouble(field).min().orElse(Double.NaN);
    }

    private static double max(List<Row> rows, ToDoubleFunction<Row> field) {
        return rows.stream().mapToDouble(field).max().orElse(Double.NaN);
    }
}
