package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the packaged jar: every command already sent is answered and on disk, then the process exits 0. */
class GracefulShutdownIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));
    private static final int CLIENTS = 10;
    private static final int TRANSFERS = 20;

    @Test
    void sigtermAnswersEveryTransferAlreadySentThenClosesAndExitsZero(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        // 200 transfers, each forced to the disk on one of 2 workers, when SIGTERM arrives.
        String accounts = TestBank.accountsFile(dir, "alice", "bob").toString();
        try (ServerProcess server = ServerProcess.startJar(JAR, "--workers", "2", "--data", data.toString(),
                "--accounts", accounts)) {
            List<BankClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    BankClient client = BankClient.connect(
                            TestClient.connect(server.host(), server.port(), Duration.ofSeconds(20)));
                    clients.add(client);
                    client.loginAs(c % 2 == 0 ? "alice" : "bob"); // accepted and served
                }
                for (int c = 0; c < CLIENTS; c++) {
                    clients.get(c).sendInOneWrite(c % 2 == 0 ? BankClient.transfers("c" + c, "bob", 1, TRANSFERS)
                            : BankClient.transfers("c" + c, "alice", 2, TRANSFERS));
                }
                for (int c = 0; c < CLIENTS; c++) { // the server has every transfer: SIGTERM must answer them all
                    assertThat(clients.get(c).reply()).as("client %d, transfer 0", c).matches("OK \\d+");
                }

                // Whether the disk is slow or fast, what was sent before SIGTERM is answered: the
                // refusal of new clients meanwhile is GracefulCloseTest's, on a disk it holds.
                server.terminate();

                for (int c = 0; c < CLIENTS; c++) {
                    for (int i = 1; i < TRANSFERS; i++) {
                        assertThat(clients.get(c).reply()).as("client %d, transfer %d", c, i).matches("OK \\d+");
                    }
                    assertThat(clients.get(c).raw().awaitEof()).as("client %d closed after its replies", c).isTrue();
                    clients.get(c).close(); // as a client does at end of stream: the server waits for it
                }
                assertThat(server.awaitExit(Duration.ofSeconds(15))).as("exit status").isZero();
                assertThat(server.stderr()).doesNotContain("shutdown timeout");
            } finally {
                for (BankClient client : clients) {
                    client.close();
                }
            }
        }
        // Five alice clients sent 100 × 1 cent to bob, five bob clients 100 × 2 cents to alice.
        try (ServerProcess restarted = ServerProcess.startJar(JAR, "--data", data.toString(), "--accounts", accounts);
             BankClient alice = BankClient.connect(restarted.connect()).loginAs("alice")) {
            assertThat(alice.command("BALANCE")).isEqualTo("OK " + (100_000 - 100 + 200));
        }
    }
}
