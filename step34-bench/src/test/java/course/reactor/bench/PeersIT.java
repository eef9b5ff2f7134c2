package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every peer, started the way the runner starts it, echoes pipelined frames, the largest frame the
 * size sweep sends (1 MiB), and an open-loop schedule, with no error. A peer that cannot run here
 * (no io_uring, no JDK 21, no gcc) is skipped, as the runner leaves it out.
 */
class PeersIT {
    private static final Duration WARMUP = Duration.ofMillis(100);
    private static final Duration WINDOW = Duration.ofMillis(200);
    private static final Duration PATIENT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"final-default", "netty-nio", "netty-epoll", "netty-uring", "vthreads", "c-epoll"})
    void echoesPipelinedFramesTheLargestFrameAndAnOpenLoop(String peer) throws Exception {
        Path out = Path.of("target", "peers-it");
        System.setProperty("bench.root", Path.of("").toAbsolutePath().getParent().toString());
        BenchOptions options = BenchOptions.parse(new String[] {"--out", out.toString()});
        List<String> said = new ArrayList<>();
        Server server = ServerCatalog.peer(options, peer, said::add);
        assumeTrue(server != null, () -> String.join("; ", said));

        try (RunningServer running = RunningServer.start(server, out.resolve("logs"))) {
            // A cold JVM may answer nothing inside so short a window; the drain waits for every reply,
            // and no error and nothing unanswered means every frame came back byte for byte.
            List<LoadGenerator.Result> results = List.of(
                    LoadGenerator.run(LoadGenerator.Config.closed("127.0.0.1", running.port, 10, 8, 1_000, WARMUP, WINDOW)
                            .withDrain(PATIENT)),
                    LoadGenerator.run(LoadGenerator.Config.closed("127.0.0.1", running.port, 1, 1, BenchOptions.MAX_PAYLOAD,
                            WARMUP, WINDOW).withDrain(PATIENT)));
            assertThat(results).allSatisfy(result -> {
                assertThat(result.errors()).isZero();
                assertThat(result.unanswered()).isZero();
                assertThat(result.connectionsHeld()).isEqualTo(result.frameBytes() > 1_000_000 ? 1 : 10);
            });
            // 10 connections at 1,000 msgs/s in all: one frame each 10 ms, 20 in each one's 200 ms window.
            LoadGenerator.Result open = LoadGenerator.run(LoadGenerator.Config.open("127.0.0.1", running.port, 10, 64, 1_000,
                    WARMUP, WINDOW).withDrain(PATIENT));
            assertThat(open.errors()).isZero();
            assertThat(open.unanswered()).isZero();
            assertThat(open.latencies().getTotalCount()).isEqualTo(200);
        }
    }
}
