package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle sessions are closed, sessions that send heartbeats (心跳) are not; a connection that does
 * not log in is closed whatever it sends: first on a fake clock, then for real.
 */
class IdleTimeoutTest {
    @Test
    void closesTheIdleSessionAndKeepsTheOneSendingHeartbeatsOnAFakeClock() throws Exception {
        AtomicLong fakeNanos = new AtomicLong();
        BankServer bank = new BankServer(new InetAddress("127.0.0.1", 0), BankServer.DEFAULT_MAX_FRAME, 1, 2,
                TestBank.ledger("alice", "bob"), fakeNanos::get);
        bank.setIdleTimeout(Duration.ofSeconds(60));
        try (LoopThread running = new LoopThread(bank);
             BankClient idle = BankClient.connect(bank.address().port());
             BankClient beating = BankClient.connect(bank.address().port())) {
            Await.until("both connections", () -> bank.server().connectionCount() == 2);
            idle.loginAs("alice"); // both active at second 0
            // The loop notes activity just after its write returns, so the idle client may see
            // its reply before the loop has read the clock. Both clients share the one IO loop:
            // once the other client's reply is back, the idle client's write has finished.
            beating.loginAs("bob");

            fakeNanos.set(seconds(30));
            assertThat(beating.command("HEARTBEAT")).isEqualTo("OK");
            // Second 61: the heartbeat wakes the loop (a fake clock wakes nobody), and its timers
            // are due: the idle client has been quiet for 61 s, the beating one for 31.
            fakeNanos.set(seconds(61));
            assertThat(beating.command("HEARTBEAT")).isEqualTo("OK");

            assertThat(idle.raw().awaitEof()).as("the idle session was closed").isTrue();
            assertThat(beating.command("BALANCE")).as("the beating session was kept, still logged in")
                    .isEqualTo("OK 100000");
            Await.until("one connection left", () -> bank.server().connectionCount() == 1);
        }
    }

    @Test
    void aConnectionThatDoesNotLogInInTimeIsClosedEvenWithoutAnIdleTimeoutAndHeartbeatsDoNotSaveIt() throws Exception {
        AtomicLong fakeNanos = new AtomicLong();
        BankServer bank = new BankServer(new InetAddress("127.0.0.1", 0), BankServer.DEFAULT_MAX_FRAME, 1, 2,
                TestBank.ledger("alice", "bob"), fakeNanos::get);
        bank.setLoginTimeout(Duration.ofSeconds(30)); // and no idle timeout at all
        try (LoopThread running = new LoopThread(bank);
             BankClient silent = BankClient.connect(bank.address().port());
             BankClient beating = BankClient.connect(bank.address().port());
             BankClient customer = BankClient.connect(bank.address().port())) {
            assertThat(beating.command("HEARTBEAT")).isEqualTo("OK");
            customer.loginAs("alice");
            Await.until("the two strangers under watch", () -> bank.waitingForLogin() == 2);

            fakeNanos.set(seconds(29));
            assertThat(beating.command("HEARTBEAT")).isEqualTo("OK");
            fakeNanos.set(seconds(30));

            assertThat(silent.raw().awaitEof()).as("never sent a byte").isTrue();
            assertThat(beating.raw().awaitEof()).as("heartbeats, but no login").isTrue();
            assertThat(customer.command("BALANCE")).as("logged in: stays").isEqualTo("OK 100000");
            Await.until("one connection left", () -> bank.server().connectionCount() == 1);
        }
    }

    @Test
    void theRealServerClosesAConnectionThatHasNotLoggedInWithinTheLoginTimeout(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.startMain(Main.class, "--login-timeout", "1",
                "--accounts", TestBank.accountsFile(dir, "alice").toString());
             BankClient stranger = BankClient.connect(server.connect())) {
            assertThat(stranger.raw().awaitEof()).as("closed about a second after it connected").isTrue();
            Await.until("the log line", () -> server.stderr().contains(": not logged in within 1 s"));
        }
    }

    @Test
    void theRealServerClosesASessionIdleForLongerThanOneSecond(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.startMain(Main.class, "--idle-timeout", "1",
                "--accounts", TestBank.accountsFile(dir, "alice", "bob").toString());
             BankClient idle = BankClient.connect(server.connect());
             BankClient beating = BankClient.connect(server.connect())) {
            idle.loginAs("alice");
            AtomicBoolean idleClosed = new AtomicBoolean();
            AtomicReference<Exception> beatingFailed = new AtomicReference<>();
            Thread keepBeating = new Thread(() -> {
                try {
                    while (!idleClosed.get()) { // heartbeats back to back until the idle one is gone
                        beating.command("HEARTBEAT");
                    }
                } catch (Exception e) {
                    beatingFailed.set(e); // the test thread reports it
                }
            }, "heartbeat-client");
            keepBeating.start();

            assertThat(idle.raw().awaitEof()).as("closed after about a second of silence").isTrue();
            idleClosed.set(true);
            keepBeating.join(10_000);
            assertThat(keepBeating.isAlive()).as("the heartbeats stopped").isFalse();
            assertThat(beatingFailed.get()).as("the beating client kept its connection").isNull();
            assertThat(beating.command("HEARTBEAT")).isEqualTo("OK");
            Await.until("the log line", () -> server.stderr().contains("idle for 1 s")); // stderr comes through a pipe
        }
    }

    private static long seconds(long seconds) {
        return seconds * 1_000_000_000L;
    }
}
