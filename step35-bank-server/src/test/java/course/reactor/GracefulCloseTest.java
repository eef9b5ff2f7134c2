package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.TestClient;
import course.toolkit.Threads;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** close() for a server embedded in a program: the same order as on SIGTERM. */
class GracefulCloseTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void closeAnswersWhatWasSentFlushesClosesAndLeavesNoThread() throws Exception {
        Ledger slowDisk = new Ledger(TestBank.accounts("alice", "bob"),
                (transfer, made) -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10))); // a 10 ms fsync
        BankServer bank = TestBank.server(2, 2, slowDisk);
        try (LoopThread serving = new LoopThread(bank);
             BankClient client = BankClient.connect(bank.address().port()).loginAs("alice")) {
            client.sendInOneWrite(BankClient.transfers("t", "bob", 1, 40));
            // The first reply proves the server has all 40: close() serves what has reached it.
            assertThat(client.reply()).isEqualTo("OK " + (TestBank.OPENING_CENTS - 1));

            bank.close(); // 39 × 10 ms of work still to do, well inside the default 10 s

            for (int i = 2; i <= 40; i++) {
                assertThat(client.reply()).isEqualTo("OK " + (TestBank.OPENING_CENTS - i));
            }
            assertThat(client.raw().awaitEof()).isTrue();
            assertThat(serving.awaitEnd(10_000)).as("start() has returned").isTrue();
        }
        assertThat(bank.server().connectionCount()).isZero();
        assertThat(slowDisk.total()).isEqualTo(2 * TestBank.OPENING_CENTS);
        assertThat(Threads.liveNamed("io-")).isEmpty();
        assertThat(Threads.liveNamed("worker-")).isEmpty();
    }

    @Test
    void newClientsAreRefusedWhileTheTransfersAtHandStillWaitForTheDisk() throws Exception {
        JournaledLedger books = new JournaledLedger("alice", "bob");
        RecordingJournalFile disk = books.disk;
        BankServer bank = TestBank.server(1, 2, books.ledger);
        int port = bank.address().port();
        Thread closer = new Thread(bank::close, "closer");
        try (LoopThread serving = new LoopThread(bank);
             BankClient alice = BankClient.connect(port).loginAs("alice")) {
            disk.holdForces(); // a disk as slow as this test needs, whatever the real one does
            alice.sendInOneWrite(BankClient.transfers("t", "bob", 1, 5));
            disk.awaitForcesEntered(1); // the first is being forced, the other four wait behind it

            closer.start();
            Await.until("new clients to be refused while the work goes on", () -> isRefused(port));
            assertThat(disk.forces()).as("still held").isZero();

            disk.releaseForces();
            for (int i = 1; i <= 5; i++) {
                assertThat(alice.reply()).isEqualTo("OK " + (TestBank.OPENING_CENTS - i));
            }
            assertThat(alice.raw().awaitEof()).isTrue();
            closer.join(10_000);
            assertThat(closer.isAlive()).as("close() has returned").isFalse();
            assertThat(serving.awaitEnd(10_000)).isTrue();
        } finally {
            books.close();
        }
        assertThat(disk.forcedText().lines()).hasSize(5);
    }

    private static boolean isRefused(int port) throws IOException {
        try (TestClient late = TestClient.connect("127.0.0.1", port)) {
            return false;
        } catch (SocketException e) { // ConnectException, or a reset of a handshake the closing listener had queued
            return true;
        }
    }

    @Test
    void closeGivesUpOnAClientThatNeverReadsWhenTheTimeoutIsUp() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 1);
        byte[] huge = new byte[32 << 20]; // more than the kernel's buffers between us can hold
        server.setMessageCallback((connection, message) -> connection.send(huge));
        server.setShutdownTimeout(Duration.ofMillis(500));
        try (LoopThread serving = new LoopThread(server);
             TestClient neverReads = TestClient.connect("127.0.0.1", server.address().port())) {
            neverReads.sendFrame("give me a lot".getBytes(StandardCharsets.UTF_8));
            Await.until("the reply to be queued", () -> server.connections().stream()
                    .anyMatch(connection -> connection.peakHeldBytes() > 0));

            server.close();

            assertThat(server.connectionCount()).isZero();
            assertThat(serving.awaitEnd(10_000)).as("start() has returned").isTrue();
        }
        assertThat(Threads.liveNamed("io-")).isEmpty();
    }

    @Test
    void closeBeforeStartReleasesEverythingAndStartThenRefuses() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 1);
        int port = server.address().port();
        server.close();
        assertThatThrownBy(() -> TestClient.connect("127.0.0.1", port)).isInstanceOf(IOException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        server.close(); // a second close is harmless
    }
}
