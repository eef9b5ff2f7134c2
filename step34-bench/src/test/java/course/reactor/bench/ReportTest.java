package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's files, from rows made up for the test: no server runs here. */
class ReportTest {
    @TempDir
    Path out;

    @Test
    void writesTheCsvTheTablesWithTheRatioToNettyAndTheCharts() throws Exception {
        BenchRunner.Options options = BenchRunner.Options.parse(new String[] {
                "--steps", "33,34", "--scenarios", "pp,idle", "--rounds", "2", "--out", out.toString()});
        List<BenchRunner.Row> rows = List.of(
                row("step34", "pp", 1, 60_000), row("step34", "pp", 2, 66_000),
                row("netty-nio", "pp", 1, 40_000), row("netty-nio", "pp", 2, 40_000),
                new BenchRunner.Row("step34", "idle", 1, 0, 0, 0, 0, 0, 0, 10_000, 1_029, 2_400),
                new BenchRunner.Row("c-epoll", "idle", 1, 0, 0, 0, 0, 0, 0, 10_000, Double.NaN, 29));

        Report.write(options, rows, Duration.ofSeconds(75));

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo("server,scenario,round,msgs_per_s,p50_us,p99_us,p999_us,errors,server_cpu_us_per_msg");
        assertThat(csv).hasSize(1 + rows.size());
        assertThat(csv.get(1)).isEqualTo("step34,pp,1,60000.0,50.0,90.0,120.0,0,8.000");
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report)
                .contains("the whole run took 1 min 15 s")
                .contains("| step34 | 63,000 | 60,000–66,000 | 1.58× |")
                .contains("| netty-nio | 40,000 | 40,000–40,000 | 1.00× |")
                .contains("| step34 | 10000 | 1,029 | 2,400 | 0 |")
                .contains("| c-epoll | 10000 | – (not a JVM) | 29 | 0 |");
        assertThat(out.resolve("throughput-pp.png")).isNotEmptyFile();
        assertThat(out.resolve("latency-pp.png")).isNotEmptyFile();
    }

    @Test
    void quickIsSmallAndUnknownScenariosAreRefused() {
        BenchRunner.Options quick = BenchRunner.Options.parse(new String[] {"--quick"});
        assertThat(quick.steps()).containsExactly("01", "18", "33", "34");
        assertThat(quick.rounds()).isEqualTo(1);
        assertThat(quick.scenarios()).doesNotContain("c10k");
        assertThatThrownBy(() -> BenchRunner.Options.parse(new String[] {"--scenarios", "fast"}))
                .hasMessage("unknown scenario fast");
    }

    private static BenchRunner.Row row(String server, String scenario, int round, double msgs) {
        return new BenchRunner.Row(server, scenario, round, msgs, 50, 90, 120, 0, 8, 50, 0, 0);
    }
}
