package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Payloads;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The packaged jar keeps the command-line contract that every step shares. */
class ServerJarIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @Test
    void printsTheRealPortAndEchoesAOneMebibyteFrame() throws Exception {
        try (ServerProcess server = ServerProcess.startJar(JAR)) {
            assertThat(server.stdout()).matches("listening on 127\\.0\\.0\\.1:\\d+\\n");
            assertThat(server.port()).isPositive();
            byte[] payload = Payloads.random(1 << 20, 42);
            try (TestClient client = server.connect()) {
                assertThat(client.echoFrame(payload)).isEqualTo(payload);
            }
        }
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("usage: java -jar <step>.jar [HOST] [PORT]");
    }

    @Test
    void unknownOptionPrintsUsageToStderrAndExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: unknown option --no-such-option").contains("usage:");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void badPortExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "127.0.0.1", "99999");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: bad port 99999");
    }

    @Test
    void badMaxFrameExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--max-frame", "-5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: bad --max-frame -5");
    }

    @Test
    void aPortInUseExitsOneWithOneLineSayingWhy() {
        try (ServerProcess first = ServerProcess.startJar(JAR)) {
            ServerProcess.Finished run = ServerProcess.runJar(JAR, "127.0.0.1", String.valueOf(first.port()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("error: cannot listen on 127.0.0.1:" + first.port() + ": ");
            assertThat(run.stderr().lines()).hasSize(1);
        }
    }
}
