package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal: what is recorded is replayed; bytes after the last newline are cut off; a bad whole line stops the start. */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void replaysWhatWasRecordedOnTopOfTheOpeningBalances() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            assertThat(journal.replay(ledger)).isZero();
            ledger.transfer("alice", "bob", 2500);
            ledger.transfer("bob", "alice", 100);
        }
        assertThat(journalText()).isEqualTo("TRANSFER alice bob 2500\nTRANSFER bob alice 100\n");

        Ledger restarted = reopen(2);
        assertThat(restarted.balance("alice")).isEqualTo(97_600);
        assertThat(restarted.balance("bob")).isEqualTo(102_400);
    }

    @Test
    void aTornLastLineWithoutItsNewlineIsLoggedCutOffAndTheNextTransferStartsCleanly() throws Exception {
        write("TRANSFER alice bob 2500\nTRANSFER alice bo");
        String log = stderrOf(() -> {
            try (Journal journal = Journal.open(dir)) {
                Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
                assertThat(journal.replay(ledger)).isEqualTo(1);
                ledger.transfer("alice", "bob", 1);
            }
        });
        assertThat(log).contains("journal.txt line 2: ignored a torn last line").hasLineCount(1);
        assertThat(journalText()).isEqualTo("TRANSFER alice bob 2500\nTRANSFER alice bob 1\n");
        assertThat(reopen(2).balance("alice")).isEqualTo(97_499);
    }

    @Test
    void aTornLastLineThatWouldParseIsCutOffToo() throws Exception {
        write("TRANSFER alice bob 2500\nTRANSFER alice bob 25");
        String log = stderrOf(() -> assertThat(reopen(1).balance("bob")).isEqualTo(102_500));
        assertThat(log).contains("journal.txt line 2: ignored a torn last line").hasLineCount(1);
        assertThat(journalText()).isEqualTo("TRANSFER alice bob 2500\n");
    }

    @Test
    void aCompleteLastLineThatDoesNotParseStopsTheStart() throws Exception {
        write("TRANSFER alice bob 2500\nTRANSFER alice bob 25x\n");
        assertThatThrownBy(() -> reopen(0)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("journal.txt line 2: not a transfer; the journal is damaged");
        assertThat(journalText()).endsWith("25x\n");
    }

    @Test
    void blankLinesAndCrlfAreDamageSinceThisWriterNeverProducesThem() throws Exception {
        for (String text : new String[] {"TRANSFER alice bob 1\n\n", "TRANSFER alice bob 1\r\nTRANSFER alice bob 2\r\n"}) {
            write(text);
            assertThatThrownBy(() -> reopen(0)).as(text.replace("\r", "\\r").replace("\n", "\\n"))
                    .hasMessageEndingWith(" line " + (text.contains("\r") ? 1 : 2) + ": not a transfer; the journal is damaged");
        }
    }

    @Test
    void anEmptyJournalHasNoTransfers() throws Exception {
        write("");
        String log = stderrOf(() -> assertThat(reopen(0).balance("alice")).isEqualTo(TestBank.OPENING_CENTS));
        assertThat(log).isEmpty();
        assertThat(journalText()).isEmpty();
    }

    @Test
    void aBadLineInTheMiddleStopsTheStartNamingTheLine() throws Exception {
        write("TRANSFER alice bob 2500\nTRANSFER alice\nTRANSFER bob alice 1\n");
        assertThatThrownBy(() -> reopen(0)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("journal.txt line 2: not a transfer; the journal is damaged");
        assertThat(journalText()).as("left as it was, for a person to look at").contains("TRANSFER alice\n");
    }

    @Test
    void aTransferTheAccountsCannotTakeStopsTheStart() throws Exception {
        write("TRANSFER alice carol 5\n");
        assertThatThrownBy(() -> reopen(0)).hasMessageContaining("line 1: does not fit the accounts (no such account: carol)");
    }

    @Test
    void opensInADirectoryItHasToCreateWithItsParents() throws Exception {
        Path nested = dir.resolve("a/b/data");
        try (Journal journal = Journal.open(nested)) {
            assertThat(journal.replay(TestBank.ledger("alice", "bob"))).isZero();
        }
        assertThat(nested.resolve(Journal.FILE_NAME)).exists();
    }

    @Test
    void theJournalsOrderIsTheOrderApplied() throws Exception {
        List<String> users = List.of("alice", "bob", "carol", "dave");
        AtomicInteger made = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Ledger live;
        try (Journal journal = Journal.open(dir)) {
            live = new Ledger(accounts(users), journal);
            journal.replay(live);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    Random random = new Random();
                    try {
                        for (int i = 0; i < 500; i++) {
                            String from = users.get(random.nextInt(users.size()));
                            String to = users.get((users.indexOf(from) + 1 + random.nextInt(users.size() - 1)) % users.size());
                            try {
                                live.transfer(from, to, 1 + random.nextInt(600));
                                made.incrementAndGet();
                            } catch (BankException e) {
                                assertThat(e.code()).isEqualTo("FUNDS");
                                refused.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "transfers-" + t);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join(60_000);
                assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
            }
            assertThat(failures).isEmpty();
        }
        assertThat(refused.get()).as("some transfers met too small a balance").isPositive();

        // A different order of the same lines could overdraw an account on the way, or end elsewhere.
        Ledger replayed = new Ledger(accounts(users), Ledger.Recorder.NONE);
        try (Journal journal = Journal.open(dir)) {
            assertThat(journal.replay(replayed)).isEqualTo(made.get());
        }
        for (String user : users) {
            assertThat(replayed.balance(user)).as(user).isEqualTo(live.balance(user));
        }
    }

    @Test
    void refusesToAppendBeforeTheReplay() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            assertThatThrownBy(() -> journal.record("alice", "bob", 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** Opens the journal again, replays it into fresh demo accounts, checks the count. */
    private Ledger reopen(int expectedTransfers) throws Exception {
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            assertThat(journal.replay(ledger)).isEqualTo(expectedTransfers);
            return ledger;
        }
    }

    /** Opening balances small enough that random transfers of up to 600 cents often meet ERR FUNDS. */
    private static List<Account> accounts(List<String> users) {
        return users.stream().map(user -> new Account(user, user + "-secret", 1_000)).toList();
    }

    private void write(String text) throws IOException {
        Files.writeString(dir.resolve(Journal.FILE_NAME), text, StandardCharsets.UTF_8);
    }

    private String journalText() throws IOException {
        return Files.readString(dir.resolve(Journal.FILE_NAME), StandardCharsets.UTF_8);
    }

    /** What {@code action} writes to System.err. */
    private static String stderrOf(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
