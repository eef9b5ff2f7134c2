package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny real run: this lesson's jar twice (final and final-default), pp, idle and a one-level load sweep. */
class BenchRunnerIT {
    @Test
    void smokeRunWritesRowsHistogramsAndAReport() throws Exception {
        Path out = Path.of("target", "bench-smoke");
        System.setProperty("bench.root", Path.of("").toAbsolutePath().getParent().toString()); // the course's root
        BenchOptions options = BenchOptions.parse(new String[] {"--steps", "34", "--peers", "final-default",
                "--scenarios", "pp,idle,load", "--rounds", "1", "--warmup", "0.2", "--duration", "0.3",
                "--sweep-warmup", "0.2", "--sweep-settle", "0.1", "--sweep-duration", "0.3", "--load-levels", "50",
                "--idle-connections", "100", "--drain", "20", "--out", out.toString()});

        Results results = BenchRunner.run(options);
        Report.write(options, results, Duration.ofSeconds(1));

        List<Row> rows = results.rows();
        assertThat(rows).extracting(Row::server).containsOnly("final", "final-default").hasSize(6);
        assertThat(results.notes).isEmpty();
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.errors()).isZero();
            assertThat(row.unanswered()).isZero();
        });
        assertThat(rows).filteredOn(row -> row.scenario().equals("pp")).allSatisfy(row -> {
            assertThat(row.msgsPerSecond()).isPositive();
            assertThat(row.serverConnections()).isEqualTo(50); // the server's own sockets say so
        });
        assertThat(rows).filteredOn(row -> row.scenario().equals("idle")).allSatisfy(row -> {
            assertThat(row.serverConnections()).isEqualTo(100);
            assertThat(row.heapBytesPerConnection()).isPositive();
        });
        assertThat(rows).filteredOn(row -> row.scenario().equals("load"))
                .allSatisfy(row -> assertThat(row.offeredPerSecond()).isCloseTo(results.loadReference / 2, within(1e-6)));
        assertThat(results.jvms.get("final").processors()).isPositive();
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(7);
        assertThat(out.resolve("hgrm").resolve("load-50p-final.hgrm")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("report.md"))).contains("## pp").contains("## Memory per connection")
                .contains("## load").contains("| final-default | the final server with its default options");
    }
}
