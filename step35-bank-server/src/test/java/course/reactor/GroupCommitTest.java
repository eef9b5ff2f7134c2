package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
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
        RecordingJournalFile disk = new RecordingJournalFile();
        Ledger ledger = journaled(disk, users());
        BankServer bank = TestBank.server(2, 8, ledger);
        ExecutorService clients = Executors.newFixedThreadPool(USERS);
        try (LoopThread running = new LoopThread(bank)) {
            List<Future<Integer>> acknowledged = new ArrayList<>();
            for (int c = 0; c < USERS; c++) {
                int client = c;
                acknowledged.add(clients.submit(() -> paySomeAndCheckEachOk(bank.address().port(), client, disk)));
            }
            int oks = 0;
            for (Future<Integer> count : acknowledged) {
                oks += count.get(60, TimeUnit.SECONDS);
            }
            assertThat(oks).as("every transfer made").isEqualTo(USERS * 100);
            assertThat(disk.forcedText().lines()).hasSize(USERS * 100);
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
        RecordingJournalFile disk = new RecordingJournalFile();
        Journal journal = new Journal(disk);
        Ledger ledger = new Ledger(TestBank.accounts(users()), journal);
        journal.replay(ledger);
        BankServer bank = TestBank.server(1, 8, ledger);
        int port = bank.address().port();
        List<BankClient> payers = new ArrayList<>();
        try (LoopThread running = new LoopThread(bank)) {
            for (int c = 0; c < 6; c++) {
                payers.add(BankClient.connect(port).loginAs("u" + c));
            }
            disk.holdForces(); // a disk that takes its time
            payers.get(0).send("TRANSFER first u10 1");
            disk.awaitForcesEntered(1);
            for (int c = 1; c < 6; c++) { // five transfers between other accounts arrive meanwhile
                payers.get(c).send("TRANSFER next u" + (10 + c) + " 1");
            }
            Await.until("the five to wait behind the force in progress", () -> journal.waitingForDisk() == 6);

            disk.releaseForces();
            for (BankClient payer : payers) {
                assertThat(payer.reply()).isEqualTo("OK " + (TestBank.OPENING_CENTS - 1));
            }
            assertThat(disk.appends()).as("the first alone, then the five in one write").isEqualTo(2);
            assertThat(disk.forces()).as("six transfers, two forces").isEqualTo(2);
            assertThat(disk.forcedText().lines()).hasSize(6);
            assertThat(journal.waitingForDisk()).isZero();
        } finally {
            disk.releaseForces();
            for (BankClient payer : payers) {
                payer.close();
            }
        }
    }

    @Test
    void aFailedForceFailsEveryTransferOfItsBatchAndTakesTheirLinesBack() throws Exception {
        RecordingJournalFile disk = new RecordingJournalFile();
        Journal journal = new Journal(disk);
        Ledger ledger = new Ledger(TestBank.accounts(users()), journal);
        journal.replay(ledger);
        BankServer bank = TestBank.server(1, 8, ledger);
        int port = bank.address().port();
        List<BankClient> payers = new ArrayList<>();
        try (LoopThread running = new LoopThread(bank)) {
            for (int c = 0; c < 4; c++) {
                payers.add(BankClient.connect(port).loginAs("u" + c));
            }
            assertThat(payers.get(0).command("TRANSFER before u9 1")).isEqualTo("OK 99999");
            disk.holdForces();
            payers.get(0).send("TRANSFER first u10 1");
            disk.awaitForcesEntered(2);
            for (int c = 1; c < 4; c++) {
                payers.get(c).send("TRANSFER next u" + (10 + c) + " 1");
            }
            Await.until("three to wait behind the force in progress", () -> journal.waitingForDisk() == 4);
            disk.failForces(new java.io.IOException("No space left on device"));
            disk.releaseForces();
            for (BankClient payer : payers) {
                assertThat(payer.reply()).isEqualTo("ERR UNAVAILABLE the journal failed; this transfer was not made;"
                        + " no transfers until a restart");
            }
            assertThat(disk.text().lines()).as("only the line forced before the failure").hasSize(1);
            assertThat(ledger.balance("u0")).isEqualTo(99_999);
            assertThat(ledger.total()).isEqualTo(USERS * TestBank.OPENING_CENTS);
        } finally {
            disk.releaseForces();
            for (BankClient payer : payers) {
                payer.close();
            }
        }
    }

    private static Ledger journaled(RecordingJournalFile disk, String... users) throws Exception {
        Journal journal = new Journal(disk);
        Ledger ledger = new Ledger(TestBank.accounts(users), journal);
        journal.replay(ledger);
        return ledger;
    }

    private static String[] users() {
        String[] users = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            users[i] = "u" + i;
        }
        return users;
    }
}
