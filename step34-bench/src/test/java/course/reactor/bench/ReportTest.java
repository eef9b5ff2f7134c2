package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's files, from rows made up for the test: no server runs here. */
class ReportTest {
    private static final long MICROSECOND = 1_000;

    @TempDir
    Path out;

    @Test
    void theCsvHasAColumnForEveryClaimAndIdleRowsCarryTheirMemory() throws Exception {
        Results results = results();
        Report.write(options("pp,idle"), results, Duration.ofSeconds(75));

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        assertThat(header).contains("mode", "offered_msgs_per_s", "gen_cpu_us_per_msg", "gen_core_use", "server_core_use",
                "server_saturated", "server_connections", "server_rss_bytes", "server_heap_bytes", "heap_bytes_per_conn",
                "rss_bytes_per_conn", "kernel_tcp_bytes_per_conn", "unanswered", "max_us");
        assertThat(csv).hasSize(1 + results.rows().size());
        String idle = csv.stream().filter(line -> line.startsWith("final,34,idle,")).findFirst().orElseThrow();
        List<String> cells = Arrays.asList(idle.split(",", -1));
        assertThat(cells.get(header.indexOf("mode"))).isEqualTo("idle");
        assertThat(cells.get(header.indexOf("msgs_per_s"))).isEmpty(); // not measured: empty, not a zero
        assertThat(cells.get(header.indexOf("heap_bytes_per_conn"))).isEqualTo("1022");
        assertThat(cells.get(header.indexOf("rss_bytes_per_conn"))).isEqualTo("2444");
        assertThat(cells.get(header.indexOf("server_connections"))).isEqualTo("10000");
        String pp = csv.stream().filter(line -> line.startsWith("step01,1,pp,,closed,1,")).findFirst().orElseThrow();
        assertThat(Arrays.asList(pp.split(",", -1)).get(header.indexOf("server_saturated"))).isEqualTo("no");
    }

    @Test
    void latencyInTheTablesComesFromTheMergedHistogramNotFromMeanPercentiles() throws Exception {
        Results results = results();
        Report.write(options("pp,idle"), results, Duration.ofSeconds(75));

        String report = Files.readString(out.resolve("report.md"));
        // final's two pp rounds: all at 100 µs, and 99 % at 100 µs with 1 % at 10 ms. Merged p99: 100 µs;
        // the mean of the rounds' own p99 (100 and 10,000) would say 5,050.
        assertThat(report).contains("| final | 63,000 | 60,000–66,000 | 1.58× | 4.28 | 100 | 100 | 10,0");
        assertThat(report).contains("| netty-nio | 40,000 | 40,000–40,000 | 1.00× |");
        assertThat(report).contains("| step01 | 50,000 † |"); // its core was 0.80 busy
        assertThat(report).contains("The whole run took 1 min 15 s");
        assertThat(report).contains("| final | 10,000 | 1,022 | – | 2,444 | – |");
        assertThat(report).contains("| heap after GC | 1,022 B | 1.0 GB |");
        assertThat(out.resolve("hgrm").resolve("pp-final.hgrm")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("hgrm").resolve("pp-final.hgrm"))).containsPattern("Total count\\s+=\\s+200]");
        for (String chart : List.of("throughput-pp.png", "latency-pp.png", "percentiles-pp.png", "memory.png",
                "lessons-msgs.png", "lessons-p99.png")) {
            assertThat(out.resolve(chart)).isNotEmptyFile();
        }
    }

    @Test
    void theLoadSweepHasATableAndALatencyChartPerPercentile() throws Exception {
        Results results = results();
        results.loadReference = 100_000;
        results.loadReferenceServer = "final";
        for (String server : List.of("final", "netty-nio")) {
            for (int percent : List.of(50, 90)) {
                Histogram latencies = Histograms.create();
                for (int i = 0; i < 100; i++) {
                    latencies.recordValue((percent == 90 ? 800 : 60) * MICROSECOND);
                }
                // netty-nio's generator got half its core: its latencies include the generator's lateness.
                results.add(row(server, server.equals("final") ? 34 : 0, "load", percent + "%", "open", 1,
                        percent * 1_000.0, 0.4, server.equals("final") ? 1.0 : 0.5), latencies);
            }
        }
        BenchOptions options = BenchOptions.parse(new String[] {"--steps", "01,34", "--scenarios", "pp,load",
                "--load-levels", "50,90", "--out", out.toString()});

        Report.write(options, results, Duration.ofSeconds(10));

        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("100 % = 100,000 msgs/s, the mean pp rate of final")
                .contains("| server | 50% = 50,000/s | 90% = 90,000/s |")
                .contains("| final | 60 / 60 / 60 (50,000) | 800 / 800 / 800 (90,000) |")
                .contains("| netty-nio | 60 / 60 / 60 (50,000 §) |");
        for (String chart : List.of("load-p50.png", "load-p99.png", "load-p999.png", "percentiles-load-50.png")) {
            assertThat(out.resolve(chart)).isNotEmptyFile();
        }
        assertThat(out.resolve("hgrm").resolve("load-90p-netty-nio.hgrm")).isNotEmptyFile();
    }

    private BenchOptions options(String scenarios) {
        return BenchOptions.parse(new String[] {"--steps", "01,34", "--scenarios", scenarios, "--rounds", "2",
                "--out", out.toString()});
    }

    private static Results results() {
        Results results = new Results();
        results.add(row("final", 34, "pp", "", "closed", 1, 60_000, 0.99, 0.7), histogram(100, 0));
        results.add(row("final", 34, "pp", "", "closed", 2, 66_000, 0.99, 0.7), histogram(99, 1));
        results.add(row("netty-nio", 0, "pp", "", "closed", 1, 40_000, 0.98, 0.5), histogram(100, 0));
        results.add(row("netty-nio", 0, "pp", "", "closed", 2, 40_000, 0.98, 0.5), histogram(100, 0));
        results.add(row("step01", 1, "pp", "", "closed", 1, 50_000, 0.80, 0.6), histogram(100, 0));
        results.add(idle("final", 34, 1_022, 2_444), null);
        results.add(idle("c-epoll", 0, Double.NaN, 29), null);
        return results;
    }

    /** 100 samples: {@code fast} at 100 µs, the rest at 10 ms. */
    private static Histogram histogram(int fast, int slow) {
        Histogram histogram = Histograms.create();
        for (int i = 0; i < fast; i++) {
            histogram.recordValue(100 * MICROSECOND);
        }
        for (int i = 0; i < slow; i++) {
            histogram.recordValue(10_000 * MICROSECOND);
        }
        return histogram;
    }

    static Row row(String server, int lesson, String scenario, String point, String mode, int round, double msgs,
                   double serverCore, double generatorCore) {
        return new Row(server, lesson, scenario, point, mode, round, 50, 1, 64, mode.equals("open") ? msgs : Double.NaN,
                msgs, msgs * 68 / 1e6, 50, 90, 120, 200, 0, 0, 7, serverCore, 5, generatorCore, 1, 50, 100_000_000, -1,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 3);
    }

    private static Row idle(String server, int lesson, double heap, double rss) {
        return new Row(server, lesson, "idle", "", "idle", 1, 10_000, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1,
                10_000, 90_000_000, Double.isNaN(heap) ? -1 : 30_000_000, heap, rss, 0, 2_100, Double.NaN);
    }
}
