package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --data: an OK survives kill -9; a line torn by a crash is cut off; damage elsewhere stops the start. */
class DurabilityIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @TempDir
    Path data;

    @Test
    void anAcknowledgedTransferSurvivesSigkill() throws Exception {
        try (ServerProcess server = start();
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER bob 2500")).isEqualTo("OK 97500");
            kill(server); // no shutdown hook, no flush: only what is on the disk counts
        }
        try (ServerProcess restarted = start()) {
            awaitLog(restarted, "replayed 1 transfers");
            assertBalances(restarted, 97_500, 102_500);
        }
    }

    @Test
    void aTornLastLineIsIgnoredWithALogLineAndNothingElseIsLost() throws Exception {
        try (ServerProcess server = start();
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER bob 1000")).isEqualTo("OK 99000");
            assertThat(alice.command("TRANSFER bob 1000")).isEqualTo("OK 98000");
            kill(server);
        }
        // What a crash in the middle of writing a third line leaves behind: all but its newline,
        // so it would parse; without the newline it was never forced, never acknowledged.
        Files.writeString(data.resolve(Journal.FILE_NAME), "TRANSFER alice bob 25", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (ServerProcess restarted = start();
             BankClient alice = BankClient.connect(restarted.connect()).loginAs("alice")) {
            awaitLog(restarted, "replayed 2 transfers");
            assertThat(restarted.stderr()).contains("line 3: ignored a torn last line");
            assertThat(alice.command("BALANCE")).isEqualTo("OK 98000");
            assertThat(alice.command("TRANSFER bob 1")).isEqualTo("OK 97999"); // appended where the torn line was
            kill(restarted);
        }
        try (ServerProcess again = start()) {
            awaitLog(again, "replayed 3 transfers");
            assertThat(again.stderr()).doesNotContain("torn");
            assertBalances(again, 97_999, 102_001);
        }
    }

    @Test
    void aDamagedLineBeforeTheLastStopsTheStartWithOneLine() throws Exception {
        Files.writeString(data.resolve(Journal.FILE_NAME), "TRANSFER alice bob 5\nTRANSFER ???\nTRANSFER bob alice 5\n");
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--data", data.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("error: " + data.resolve(Journal.FILE_NAME)
                + " line 2: not a transfer; the journal is damaged\n");
        assertThat(run.stdout()).as("never listened").isEmpty();
    }

    private ServerProcess start() {
        return ServerProcess.startJar(JAR, "--data", data.toString());
    }

    /** The log comes through a pipe of its own: it may lag behind the "listening on" line. */
    private static void awaitLog(ServerProcess server, String text) {
        Await.until("'" + text + "' in the log", () -> server.stderr().contains(text));
    }

    /** SIGKILL: the process ends at once, as in a power cut for everything but the disk's cache. */
    private static void kill(ServerProcess server) throws InterruptedException {
        ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();
        assertThat(server.awaitExit(Duration.ofSeconds(10))).as("killed by signal 9").isEqualTo(128 + 9);
    }

    private static void assertBalances(ServerProcess server, long alice, long bob) throws Exception {
        try (BankClient a = BankClient.connect(server.connect()).loginAs("alice");
             BankClient b = BankClient.connect(server.connect()).loginAs("bob")) {
            assertThat(a.command("BALANCE")).isEqualTo("OK " + alice);
            assertThat(b.command("BALANCE")).isEqualTo("OK " + bob);
        }
    }
}
