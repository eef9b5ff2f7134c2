package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny real run: this lesson's jar and Netty NIO, two scenarios, a fraction of a second each. */
class BenchRunnerIT {
    @Test
    void smokeRunWritesACsvRowPerRunAndAReport() throws Exception {
        Path out = Path.of("target", "bench-smoke");
        String root = Path.of("").toAbsolutePath().getParent().toString(); // the course's root
        System.setProperty("bench.root", root);
        BenchRunner.Options options = BenchRunner.Options.parse(new String[] {"--steps", "34", "--peers", "netty-nio",
                "--scenarios", "pp,idle", "--rounds", "1", "--warmup", "0.2", "--duration", "0.5",
                "--idle-connections", "100", "--out", out.toString()});

        List<BenchRunner.Row> rows = BenchRunner.run(options);
        Report.write(options, rows, Duration.ofSeconds(1));

        assertThat(rows).extracting(BenchRunner.Row::server).containsExactlyInAnyOrder("step34", "netty-nio", "step34", "netty-nio");
        assertThat(rows).allSatisfy(row -> assertThat(row.errors()).isZero());
        assertThat(rows).filteredOn(row -> row.scenario().equals("pp"))
                .allSatisfy(row -> assertThat(row.msgsPerSecond()).isPositive());
        assertThat(rows).filteredOn(row -> row.scenario().equals("idle"))
                .allSatisfy(row -> assertThat(row.connectionsHeld()).isEqualTo(100));
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(5);
        assertThat(Files.readString(out.resolve("report.md"))).contains("## pp").contains("## idle");
    }
}
