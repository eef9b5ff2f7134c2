package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The journal's promise, shown with a file that records what was forced: an OK never leaves
 * before its line is on the "disk", and transfers waiting for the disk share one force.
 * (A SIGKILL keeps the page cache, so DurabilityIT cannot tell a forced line from a written one.)
 */
class GroupCommitTest {
    private static final int USERS = 20;

    @Test
    void noOkLeavesBeforeItsLineIsForced() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(USERS);
        try (JournaledBank bank = new JournaledBank(0)) {
            List<Future<Integer>> acknowledged = new ArrayList<>();
            for (int c = 0; c < USERS; c++) {
                int client = c;
                acknowledged.add(clients.submit(() -> paySomeAndCheckEachOk(bank.port, client, bank.disk)));
            }
            int oks = 0;
            for (Future<Integer> count : acknowledged) {
                oks += count.get(60, TimeUnit.SECONDS);
            }
            assertThat(oks).as("every transfer made").isEqualTo(USERS * 100);
            assertThat(bank.disk.forcedText().lines()).hasSize(USERS * 100);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Client {@code c} logs in as u{c}, pays 100 times, and at each OK looks at what the disk has. */
    private static int paySomeAndCheckEachOk(int port, int c, RecordingJournalFile disk) throws Exception {
        SplittableRandom random = new SplittableRandom(c);
        int oks = 0;
        try (BankClient client = BankClient.connect(port).loginAs("u" + c)) {
            for (int n = 0; n < 100; n++) {
                String payee = "u" + (c + 1 + random.nextInt(USERS - 1)) % USERS;
                String reply = client.command("TRANSFER " + c + "-" + n + " " + payee + " 1");
                assertThat(reply).startsWith("OK ");
                assertThat(disk.forcedText()).as("the line of an acknowledged transfer is on the disk already")
                        .contains(" TRANSFER u" + c + " " + c + "-" + n + " " + payee + " 1 ");
                oks++;
            }
        }
        return oks;
    }

    @Test
    void transfersThatWaitForTheDiskTogetherShareOneForce() throws Exception {
        try (JournaledBank bank = new JournaledBank(6)) {
            bank.disk.holdForces(); // a disk that takes its time
            bank.payers.get(0).send("TRANSFER first u10 1");
            bank.disk.awaitForcesEntered(1);
            for (int c = 1; c < 6; c++) { // five transfers between other accounts arrive meanwhile
                bank.payers.get(c).send("TRANSFER next u" + (10 + c) + " 1");
            }
            Await.until("the five to wait behind the force in progress", () -> bank.journal.waitingForDisk() == 6);

            bank.disk.releaseForces();
            for (BankClient payer : bank.payers) {
                assertThat(payer.reply()).isEqualTo("OK " + (TestBank.OPENING_CENTS - 1));
            }
            assertThat(bank.disk.appends()).as("the first alone, then the five in one write").isEqualTo(2);
            assertThat(bank.disk.forces()).as("six transfers, two forces").isEqualTo(2);
            assertThat(bank.disk.forcedText().lines()).hasSize(6);
            assertThat(bank.journal.waitingForDisk()).isZero();
        }
    }

    @Test
    void aFailedForceFailsEveryTransferOfItsBatchAndTakesTheirLinesBack() throws Exception {
        try (JournaledBank bank = new JournaledBank(4)) {
            assertThat(bank.payers.get(0).command("TRANSFER before u9 1")).isEqualTo("OK 99999");
            bank.disk.holdForces();
            bank.payers.get(0).send("TRANSFER first u10 1");
            bank.disk.awaitForcesEntered(2);
            for (int c = 1; c < 4; c++) {
                bank.payers.get(c).send("TRANSFER next u" + (10 + c) + " 1");
            }
            Await.until("three to wait behind the force in progress", () -> bank.journal.waitingForDisk() == 4);
            bank.disk.failForces(new IOException("No space left on device"));
            bank.disk.releaseForces();
            String lost = "ERR UNAVAILABLE the journal failed; unconfirmed transfers were not made; no transfers until a restart";
            for (BankClient payer : bank.payers) {
                assertThat(payer.reply()).isEqualTo(lost);
            }
            assertThat(bank.disk.text().lines()).as("only the line forced before the failure").hasSize(1);
            // The balances in memory moved ahead of the disk, and the disk will never catch up: they are not shown.
            assertThat(bank.payers.get(1).command("BALANCE")).isEqualTo(lost);
            assertThat(bank.payers.get(2).command("TRANSFER later u9 1")).isEqualTo(lost);

            Ledger restarted = new Ledger(TestBank.accounts(users()), Ledger.Recorder.NONE);
            try (Journal again = new Journal(new RecordingJournalFile(bank.disk.text()))) {
                assertThat(again.replay(restarted)).isEqualTo(1);
            }
            assertThat(restarted.balance("u0")).as("what a restart finds").isEqualTo(99_999);
            assertThat(restarted.total()).isEqualTo(USERS * TestBank.OPENING_CENTS);
        }
    }

    private static String[] users() {
        String[] users = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            users[i] = "u" + i;
        }
        return users;
    }

    /** A bank of 20 users on a recording journal file, and {@code payers} clients logged in as u0, u1, ... */
    private static final class JournaledBank implements AutoCloseable {
        private final JournaledLedger books = new JournaledLedger(users());
        final RecordingJournalFile disk = books.disk;
        final Journal journal = books.journal;
        final int port;
        final List<BankClient> payers = new ArrayList<>();
        private final LoopThread running;

        JournaledBank(int payers) throws Exception {
            BankServer bank = TestBank.server(2, 8, books.ledger);
            port = bank.address().port();
            running = new LoopThread(bank);
            try {
                for (int c = 0; c < payers; c++) {
                    this.payers.add(BankClient.connect(port).loginAs("u" + c));
                }
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            disk.releaseForces();
            for (BankClient payer : payers) {
                payer.close();
            }
            running.close();
            books.close();
        }
    }
}
