package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal: what is recorded is replayed; a torn last line is cut off; damage elsewhere stops the start. */
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
    void aLastLineThatDoesNotParseIsTornToo() throws Exception {
        write("TRANSFER alice bob 2500\nTRANSFER alice bob 25x\n");
        String log = stderrOf(() -> assertThat(reopen(1).balance("bob")).isEqualTo(102_500));
        assertThat(log).contains("line 2: ignored a torn last line");
        assertThat(journalText()).isEqualTo("TRANSFER alice bob 2500\n");
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
