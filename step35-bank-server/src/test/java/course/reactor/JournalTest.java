package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal: what is recorded is replayed, ids and refusals included; bytes after the last
 * newline are cut off; a whole line that is damaged (checksum, sequence, parse) stops the start.
 */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void replaysWhatWasRecordedOnTopOfTheOpeningBalances() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            assertThat(journal.replay(ledger)).isZero();
            ledger.transfer(new Transfer("alice", "t-1", "bob", 2500));
            ledger.transfer(new Transfer("bob", "t-1", "alice", 100));
        }
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500") + line(2, "TRANSFER bob t-1 alice 100"));

        Ledger restarted = reopen(2);
        assertThat(restarted.balance("alice")).isEqualTo(97_600);
        assertThat(restarted.balance("bob")).isEqualTo(102_400);
    }

    @Test
    void eachLineCarriesItsSequenceNumberAndTheCrc32cOfTheRest() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            journal.replay(TestBank.ledger("alice", "bob"));
            journal.record(new Transfer("alice", "t-1", "bob", 2500), true);
        }
        // CRC32C of "1 TRANSFER alice t-1 bob 2500", worked out apart from the JDK (a bitwise
        // Castagnoli CRC in a few lines of Python, checked against the standard's 0xe3069283 for "123456789").
        assertThat(journalText()).isEqualTo("1 TRANSFER alice t-1 bob 2500 2ad66fe1\n");
    }

    @Test
    void replayRebuildsEveryIdsOutcomeSoARetryAfterARestartMovesNothing() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            journal.replay(ledger);
            ledger.transfer(new Transfer("alice", "rent", "bob", 2500));
            assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "yacht", "bob", 1_000_000)))
                    .hasMessage("balance 97500 is less than 1000000");
        }
        assertThat(journalText()).contains(" REFUSED alice yacht bob 1000000 ");
        try (Journal journal = Journal.open(dir)) {
            Ledger restarted = new Ledger(TestBank.accounts("alice", "bob"), journal);
            assertThat(journal.replay(restarted)).isEqualTo(2);
            assertThat(restarted.transfer(new Transfer("alice", "rent", "bob", 2500))).as("the first outcome").isEqualTo(97_500);
            assertThatThrownBy(() -> restarted.transfer(new Transfer("alice", "yacht", "bob", 1_000_000)))
                    .hasMessage("balance 97500 is less than 1000000");
            assertThat(restarted.balance("bob")).isEqualTo(102_500);
        }
        assertThat(journalText().lines()).as("nothing recorded again").hasSize(2);
    }

    @Test
    void aTornLastLineWithoutItsNewlineIsLoggedCutOffAndTheNextTransferStartsCleanly() throws Exception {
        write(line(1, "TRANSFER alice t-1 bob 2500") + "2 TRANSFER alice t-2 bo");
        String log = stderrOf(() -> {
            try (Journal journal = Journal.open(dir)) {
                Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
                assertThat(journal.replay(ledger)).isEqualTo(1);
                ledger.transfer(new Transfer("alice", "t-3", "bob", 1));
            }
        });
        assertThat(log).contains("journal.txt line 2: ignored a torn last line").hasLineCount(1);
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500") + line(2, "TRANSFER alice t-3 bob 1"));
        assertThat(reopen(2).balance("alice")).isEqualTo(97_499);
    }

    @Test
    void aTornLastLineThatWouldParseIsCutOffToo() throws Exception {
        String whole = line(2, "TRANSFER alice t-2 bob 25");
        write(line(1, "TRANSFER alice t-1 bob 2500") + whole.substring(0, whole.length() - 1));
        String log = stderrOf(() -> assertThat(reopen(1).balance("bob")).isEqualTo(102_500));
        assertThat(log).contains("journal.txt line 2: ignored a torn last line").hasLineCount(1);
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500"));
    }

    @Test
    void theFileGrowsInZerosAheadOfTheLinesAndAGoodCloseCutsThemOff() throws Exception {
        Path file = dir.resolve(Journal.FILE_NAME);
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            journal.replay(ledger);
            ledger.transfer(new Transfer("alice", "t-1", "bob", 2500));
            ledger.transfer(new Transfer("alice", "t-2", "bob", 2500));
            assertThat(journal.awaitDurable(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
            // Files.size, not a read: closing a second descriptor of the file would drop the journal's lock.
            assertThat(Files.size(file)).as("grown once: a megabyte holds both lines").isEqualTo(JournalFile.OnDisk.PREALLOCATION);
        }
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500") + line(2, "TRANSFER alice t-2 bob 2500"));
    }

    @Test
    void afterACrashTheZerosAheadOfTheLinesAreCutAndTheNextLineFollowsTheLast() throws Exception {
        write(line(1, "TRANSFER alice t-1 bob 2500") + "\0".repeat(4096));
        String log = stderrOf(() -> {
            try (Journal journal = Journal.open(dir)) {
                Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
                assertThat(journal.replay(ledger)).isEqualTo(1);
                assertThat(Files.size(dir.resolve(Journal.FILE_NAME))).as("cut at the start, before any line is added")
                        .isEqualTo(line(1, "TRANSFER alice t-1 bob 2500").length());
                ledger.transfer(new Transfer("alice", "t-2", "bob", 1));
            }
        });
        assertThat(log).as("zeros are no damage").isEmpty();
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500") + line(2, "TRANSFER alice t-2 bob 1"));
    }

    @Test
    void aTornLastLineBeforeTheZerosIsCutOffLikeAnyOther() throws Exception {
        write(line(1, "TRANSFER alice t-1 bob 2500") + "2 TRANSFER alice t-2 bo" + "\0".repeat(100));
        String log = stderrOf(() -> assertThat(reopen(1).balance("bob")).isEqualTo(102_500));
        assertThat(log).contains("journal.txt line 2: ignored a torn last line").hasLineCount(1);
        assertThat(journalText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 2500"));
    }

    @Test
    void dataAfterZerosStopsTheStartAndIsLeftForAPersonToLookAt() throws Exception {
        String first = line(1, "TRANSFER alice t-1 bob 2500");
        String text = first + "\0".repeat(512) + line(3, "TRANSFER alice t-3 bob 1") + "\0".repeat(100);
        write(text);
        assertThatThrownBy(() -> reopen(0)).isInstanceOf(IOException.class).hasMessageEndingWith(
                "journal.txt: zero bytes from offset " + first.length() + ", then data again at " + (first.length() + 512)
                        + ": a write cut short by a power cut, or damage; cut the file at " + first.length()
                        + " by hand if the data after it is its last batch, never acknowledged");
        assertThat(journalText()).isEqualTo(text);
    }

    @Test
    void aCompleteLineWhoseChecksumFailsStopsTheStartNamingTheLine() throws Exception {
        String good = line(2, "TRANSFER alice t-2 bob 25");
        write(line(1, "TRANSFER alice t-1 bob 2500") + good.replace("bob 25", "bob 95") + line(3, "TRANSFER bob t-1 alice 1"));
        assertThatThrownBy(() -> reopen(0)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("journal.txt line 2: checksum mismatch; the journal is damaged");
        assertThat(journalText()).as("left as it was, for a person to look at").contains("bob 95 ");
    }

    @Test
    void aGapOrARepeatInTheSequenceStopsTheStart() throws Exception {
        write(line(1, "TRANSFER alice t-1 bob 1") + line(3, "TRANSFER alice t-3 bob 1"));
        assertThatThrownBy(() -> reopen(0)).hasMessageEndingWith(
                "journal.txt line 2: sequence number 3 where 2 was expected; a line is missing or repeated");
        write(line(1, "TRANSFER alice t-1 bob 1") + line(1, "TRANSFER alice t-1 bob 1"));
        assertThatThrownBy(() -> reopen(0)).hasMessageEndingWith(
                "journal.txt line 2: sequence number 1 where 2 was expected; a line is missing or repeated");
    }

    @Test
    void aCompleteLineThatIsNotAJournalLineStopsTheStartBlankLinesAndCrlfIncluded() throws Exception {
        String first = line(1, "TRANSFER alice t-1 bob 1");
        String[] damaged = {
            first + "TRANSFER alice bob 25\n", // the old format, without sequence number, id and checksum
            first + "\n",
            first.replace("\n", "\r\n"),
            first + line(2, "MOVED alice t-2 bob 1"),
            first + line(2, "TRANSFER alice t?2 bob 1"),
            first + line(2, "TRANSFER alice t-2 bob 1.5"),
        };
        for (String text : damaged) {
            write(text);
            int bad = text.equals(damaged[2]) ? 1 : 2;
            assertThatThrownBy(() -> reopen(0)).as(text.replace("\r", "\\r").replace("\n", "\\n"))
                    .hasMessageEndingWith("journal.txt line " + bad + ": not a journal line; the journal is damaged");
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
    void aDecisionTheAccountsCannotTakeStopsTheStart() throws Exception {
        write(line(1, "TRANSFER alice t-1 carol 5"));
        assertThatThrownBy(() -> reopen(0)).hasMessageContaining("line 1: does not fit the accounts (no such account: carol)");
        write(line(1, "REFUSED alice t-1 bob 5"));
        assertThatThrownBy(() -> reopen(0)).hasMessageContaining(
                "line 1: does not fit the accounts (recorded as refused, but the balance allows it)");
        write(line(1, "TRANSFER alice t-1 bob 5") + line(2, "TRANSFER alice t-1 bob 5"));
        assertThatThrownBy(() -> reopen(0)).hasMessageContaining("line 2: does not fit the accounts (id t-1 of alice was used before)");
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
    void aSecondJournalOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() throws Exception {
        try (Journal first = Journal.open(dir)) {
            assertThatThrownBy(() -> Journal.open(dir)).isInstanceOf(IOException.class)
                    .hasMessage("another server is using it (its journal is locked)");
        }
        try (Journal again = Journal.open(dir)) {
            assertThat(again.replay(TestBank.ledger("alice", "bob"))).as("free once the first is closed").isZero();
        }
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
                int thread = t;
                Thread worker = new Thread(() -> {
                    Random random = new Random();
                    try {
                        for (int i = 0; i < 500; i++) {
                            String from = users.get(random.nextInt(users.size()));
                            String to = users.get((users.indexOf(from) + 1 + random.nextInt(users.size() - 1)) % users.size());
                            try {
                                live.transfer(new Transfer(from, thread + "-" + i, to, 1 + random.nextInt(600)));
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
                threads.add(worker);
                worker.start();
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
            assertThat(journal.replay(replayed)).isEqualTo(made.get() + refused.get());
        }
        for (String user : users) {
            assertThat(replayed.balance(user)).as(user).isEqualTo(live.balance(user));
        }
    }

    @Test
    void refusesToAppendBeforeTheReplay() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            assertThatThrownBy(() -> journal.record(new Transfer("alice", "t-1", "bob", 1), true))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aFailedForceCutsTheLineOffAgainTellsWhoWaitedAndNothingIsAppendedUntilARestart() throws Exception {
        RecordingJournalFile file = new RecordingJournalFile(line(1, "TRANSFER alice t-1 bob 1"));
        try (Journal journal = new Journal(file)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            journal.replay(ledger);
            file.failForces(new IOException("No space left on device"));
            ledger.transfer(new Transfer("alice", "t-2", "bob", 1)); // decided and queued: the disk has not answered yet
            assertThat(toldFor(journal, 2)).isInstanceOf(Ledger.NotRecordedException.class);
            assertThat(file.text()).as("taken back").isEqualTo(line(1, "TRANSFER alice t-1 bob 1"));
            assertThatThrownBy(() -> journal.record(new Transfer("alice", "t-3", "bob", 1), true))
                    .isInstanceOf(Ledger.NotRecordedException.class);
            assertThat(toldFor(journal, 1)).as("a line forced before the failure is on disk still").isNull();
        }
    }

    @Test
    void aWaitIsToldOnlyOnceItsLineIsForcedAndWaitsAreToldInTheOrderAsked() throws Exception {
        RecordingJournalFile file = new RecordingJournalFile();
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = new Journal(file)) {
            journal.replay(TestBank.ledger("alice", "bob"));
            file.holdForces();
            journal.record(new Transfer("alice", "t-1", "bob", 1), true);
            journal.whenDurable(1, lost -> told.add("first, t-1 forced: " + file.forcedText().contains(" t-1 ")));
            file.awaitForcesEntered(1);
            journal.record(new Transfer("alice", "t-2", "bob", 1), true);
            journal.whenDurable(2, lost -> told.add("second, t-2 forced: " + file.forcedText().contains(" t-2 ")));
            journal.whenDurable(2, lost -> told.add("third, t-2 forced: " + file.forcedText().contains(" t-2 ")));
            assertThat(told).as("the force is held").isEmpty();

            file.releaseForces();
            Await.until("all three told", () -> told.size() == 3);
            assertThat(told).containsExactly("first, t-1 forced: true", "second, t-2 forced: true", "third, t-2 forced: true");
            List<String> now = new ArrayList<>();
            journal.whenDurable(2, lost -> now.add("at once"));
            assertThat(now).as("a line on disk already: told on the caller's thread").containsExactly("at once");
        }
    }

    @Test
    void aWaitForALineOnDiskStillQueuesBehindTheWaitsBeingToldForIt() throws Exception {
        RecordingJournalFile file = new RecordingJournalFile();
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch telling = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        try (Journal journal = new Journal(file)) {
            journal.replay(TestBank.ledger("alice", "bob"));
            file.holdForces();
            journal.record(new Transfer("alice", "t-1", "bob", 1), true);
            journal.whenDurable(1, lost -> {
                telling.countDown();
                awaitQuietly(goOn);
                told.add("first");
            });
            file.awaitForcesEntered(1);
            file.releaseForces();
            assertThat(telling.await(10, TimeUnit.SECONDS)).as("line 1 forced, its first wait being told").isTrue();

            journal.whenDurable(1, lost -> told.add("second")); // a connection's next reply, say: it must not overtake
            goOn.countDown();
            Await.until("both told", () -> told.size() == 2);
            assertThat(told).containsExactly("first", "second");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void afterAForceTheNextBatchWaitsForTheCommandsStillInAWorkersHands() throws Exception {
        RecordingJournalFile file = new RecordingJournalFile();
        try (Journal journal = new Journal(file, Duration.ofSeconds(30))) {
            journal.replay(TestBank.ledger("alice", "bob", "carol"));
            file.slowNextForce(Duration.ofSeconds(2)); // the delay after a force lasts at most as long as it took
            journal.record(new Transfer("alice", "t-1", "bob", 1), true);
            file.awaitForcesEntered(1);
            journal.commandInWork(); // decided while t-1 is forced
            journal.commandInWork(); // still in a worker's hands when that force ends
            journal.record(new Transfer("alice", "t-2", "bob", 1), true);
            journal.commandDone();
            Await.until("t-1 forced", () -> file.forces() == 1);

            journal.record(new Transfer("carol", "t-3", "bob", 1), true);
            journal.commandDone(); // the last command in hand: the batch goes

            assertThat(toldFor(journal, 3)).isNull();
            assertThat(file.appendedTexts()).as("t-2 waited for t-3, and they shared a write and a force")
                    .containsExactly(line(1, "TRANSFER alice t-1 bob 1"),
                            line(2, "TRANSFER alice t-2 bob 1") + line(3, "TRANSFER carol t-3 bob 1"));
        }
    }

    @Test
    void closeWritesAndForcesWhatIsPendingAndEndsTheJournalThread() throws Exception {
        RecordingJournalFile file = new RecordingJournalFile();
        Journal journal = new Journal(file);
        journal.replay(TestBank.ledger("alice", "bob"));
        assertThat(Threads.liveNamed("journal")).hasSize(1);
        journal.record(new Transfer("alice", "t-1", "bob", 1), true);
        journal.close();
        assertThat(file.forcedText()).isEqualTo(line(1, "TRANSFER alice t-1 bob 1"));
        assertThat(Threads.liveNamed("journal")).isEmpty();
        assertThatThrownBy(() -> journal.record(new Transfer("alice", "t-2", "bob", 1), true))
                .isInstanceOf(Ledger.NotRecordedException.class);
    }

    /** What the journal tells a wait for line {@code sequence}: null once it is on disk, else why it never will be. */
    private static IOException toldFor(Journal journal, long sequence) throws Exception {
        CompletableFuture<IOException> told = new CompletableFuture<>();
        journal.whenDurable(sequence, told::complete);
        return told.get(10, TimeUnit.SECONDS);
    }

    /** A journal line with its sequence number, checksum and newline, as Journal writes it. */
    static String line(long sequence, String decision) {
        String text = sequence + " " + decision;
        return text + " " + crc32c(text) + "\n";
    }

    private static String crc32c(String text) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /** Opens the journal again, replays it into fresh demo accounts, checks the count. */
    private Ledger reopen(int expectedLines) throws Exception {
        try (Journal journal = Journal.open(dir)) {
            Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), journal);
            assertThat(journal.replay(ledger)).isEqualTo(expectedLines);
            return ledger;
        }
    }

    /** Opening balances small enough that random transfers of up to 600 cents often meet ERR FUNDS. */
    private static List<Account> accounts(List<String> users) {
        return users.stream().map(user -> new Account(user, PasswordHash.of(user + "-secret", 1), 1_000)).toList();
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
