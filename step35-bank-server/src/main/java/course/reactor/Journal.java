package course.reactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Every decision on a transfer, one line each, appended to {@code DIR/journal.txt} and forced to
 * the disk before the client hears of it:
 * <pre>
 * 1 TRANSFER alice t-1 bob 2500 2ad66fe1
 * 2 REFUSED bob t-9 alice 999999 d33867a6
 * </pre>
 * A sequence number, made or refused, the payer, the payer's id for it, the payee, the cents, and
 * a CRC32C of everything before it. Lines decided while one force runs share the next write and
 * force (group commit, see record()), on a thread of the journal's own, which then sends the
 * replies that waited for them (whenDurable()).
 *
 * <p>The balances are not stored: on start the server takes the opening balances from its
 * accounts and replays the journal on top, which also rebuilds every id's outcome. Each write
 * ends with a newline and the next starts only after the force, so a crash can only leave part
 * of the last write after the forced lines: the file reads up to its first zero byte (see
 * JournalFile.OnDisk), and replay cuts off the bytes after the last newline, since that line was
 * never forced, nor acknowledged. A line with its newline that fails its checksum, does not
 * parse, or breaks the sequence is damage we cannot explain, and the server refuses to start
 * rather than guess.
 */
final class Journal implements Ledger.Recorder, AutoCloseable {
    static final String FILE_NAME = "journal.txt";
    static final String MADE = "TRANSFER";
    static final String REFUSED = "REFUSED";
    /** A checksum's width: 8 hex digits. */
    private static final int CRC_CHARS = 8;
    /** The longest commit delay: a wait after a force for the next batch to fill (see writeBatches). */
    private static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(1);
    /** How long close() waits for the disk to take the last batch. */
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final JournalFile file;
    private final long maxCommitDelayNanos;
    /** Appending before the replay would glue new lines to a torn one. Volatile: set by replay, unlocked. */
    private volatile boolean replayed;
    /**
     * Guards everything below but the file: workers record lines and ask to be told, the journal
     * thread takes batches and tells. Each holds it for a few field updates, never for IO.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a line is pending, a commit delay's last command is done, or close() begins: the journal thread sleeps on it. */
    private final Condition work = lock.newCondition();
    /** Signalled when everyone up to the forced end has been told: awaitDurable sleeps on it. */
    private final Condition told = lock.newCondition();
    /** The sequence number of the last line made, written or not. Written under the lock, read without. */
    private volatile long lastSequence;
    /** Every line up to this sequence number is on the disk. */
    private long durableSequence;
    /** Whoever waited for a line up to this one has been told; a later wait for it needs none. */
    private long toldSequence;
    /** Lines made and not taken by the journal thread yet: the next batch. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** Replies (and closes) waiting for a line to be forced, in the order they asked. */
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    /** Set during a commit delay: then commandDone() wakes the journal thread, not record(). */
    private volatile boolean delaying;
    /** Commands handed to a worker and not finished: decisions that may still join the next batch. */
    private final AtomicInteger commandsInWork = new AtomicInteger();
    /** Where the last batch written ends, and the next one goes (the file may be longer: zeros, see JournalFile.OnDisk). */
    private long end;
    /** Set by close(): the journal thread writes what is pending, tells, then ends. */
    private boolean closing;
    /** Set once a batch failed: the end of the file is no longer known, append nothing. */
    private boolean failed;
    /** After a failure, every waiter has been told; later ones are told at once. */
    private boolean failureTold;
    /** After a failure, the last line of the failed batch, and whether it may be on disk. */
    private long failedBatchEnd;
    private boolean failedBatchMayBeOnDisk;
    private IOException failure;
    /** Writes, forces and tells; started by replay(), ended by close(). */
    private Thread writer;

    Journal(JournalFile file) {
        this(file, MAX_COMMIT_DELAY);
    }

    /** A test's journal may wait longer after a force: as long as its slow disk took, so a test can see the wait. */
    Journal(JournalFile file, Duration maxCommitDelay) {
        this.file = file;
        this.maxCommitDelayNanos = maxCommitDelay.toNanos();
    }

    /** Opens (or creates) the journal in {@code dir}, locked; replay() must come before the first record(). */
    static Journal open(Path dir) throws IOException {
        return new Journal(JournalFile.OnDisk.open(dir, FILE_NAME));
    }

    /**
     * Gives every decision in the file to {@code ledger}, oldest first, and returns how many.
     * Bytes after the last newline are a torn write: logged, cut off the file, and forgotten. A
     * line with its newline that is not a journal line (blank lines and CRLF included: this class
     * never writes them), fails its checksum, has the wrong sequence number, or does not fit the
     * accounts, is an IOException naming the line.
     *
     * <p>Not synchronized: ledger.replay takes account locks, while record() is called with
     * account locks held and then takes this monitor; holding it here would take them the other
     * way round. Replay runs once, before the server listens, so no record() runs meanwhile.
     */
    int replay(Ledger ledger) throws IOException {
        byte[] bytes = file.readAll();
        int lineStart = 0;
        int lines = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lines++;
            replayLine(ledger, bytes, lineStart, i, lines);
            lineStart = i + 1;
        }
        if (lineStart < bytes.length) {
            // Even if it parses: without its newline the write did not finish, so it was never forced nor acknowledged.
            System.err.println(file + " line " + (lines + 1) + ": ignored a torn last line without its newline"
                    + " (a crash while writing it)");
            file.truncate(lineStart);
        }
        lock.lock();
        try {
            lastSequence = lines;
            durableSequence = lines;
            toldSequence = lines;
            end = lineStart;
            writer = new Thread(this::writeBatches, "journal");
            writer.setDaemon(true); // close() ends it; a test that forgets must not keep the JVM alive
            writer.start();
        } finally {
            lock.unlock();
        }
        replayed = true;
        return lines;
    }

    /** Line {@code number}, the bytes from {@code start} to its newline at {@code newline}. */
    private void replayLine(Ledger ledger, byte[] bytes, int start, int newline, int number) throws IOException {
        String where = file + " line " + number + ": ";
        int checksumAt = newline - CRC_CHARS;
        if (checksumAt - 1 < start || bytes[checksumAt - 1] != ' ') {
            throw new IOException(where + "not a journal line; the journal is damaged");
        }
        String checksum = new String(bytes, checksumAt, CRC_CHARS, StandardCharsets.ISO_8859_1);
        if (!checksum.equals(crc(bytes, start, checksumAt - 1 - start))) {
            throw new IOException(where + "checksum mismatch; the journal is damaged");
        }
        String[] words = new String(bytes, start, checksumAt - 1 - start, StandardCharsets.UTF_8).split(" ", -1);
        if (words.length != 6 || !isSequence(words[0])) {
            throw new IOException(where + "not a journal line; the journal is damaged");
        }
        if (!words[0].equals(String.valueOf(number))) { // line n holds sequence number n
            throw new IOException(where + "sequence number " + words[0] + " where " + number
                    + " was expected; a line is missing or repeated");
        }
        boolean made = words[1].equals(MADE);
        long cents;
        try {
            cents = Ledger.parseCents(words[5]);
        } catch (NumberFormatException e) {
            throw new IOException(where + "not a journal line; the journal is damaged", e);
        }
        if (!made && !words[1].equals(REFUSED) || words[2].isEmpty() || !Transfer.isId(words[3]) || words[4].isEmpty()) {
            throw new IOException(where + "not a journal line; the journal is damaged");
        }
        try {
            ledger.replay(new Transfer(words[2], words[3], words[4], cents), made);
        } catch (BankException e) {
            throw new IOException(where + "does not fit the accounts (" + e.getMessage()
                    + "); was it written with other accounts?", e);
        }
    }

    private static boolean isSequence(String word) {
        try {
            return Ledger.parseCents(word) > 0; // the same rule: digits only
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Appends the line for a decision, with its newline, to {@code out}. */
    private static void line(long sequence, Transfer transfer, boolean made, ByteArrayOutputStream out) {
        byte[] body = (sequence + " " + (made ? MADE : REFUSED) + " " + transfer.payer() + " " + transfer.id()
                + " " + transfer.payee() + " " + transfer.cents()).getBytes(StandardCharsets.UTF_8);
        out.writeBytes(body);
        out.write(' ');
        out.writeBytes(crc(body, 0, body.length).getBytes(StandardCharsets.ISO_8859_1));
        out.write('\n');
    }

    /** CRC32C (the JDK's, in hardware on most CPUs) as 8 lower-case hex digits. */
    private static String crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(CRC_CHARS - hex.length()) + hex;
    }

    /**
     * Numbers one decision and queues its line for the journal thread, which writes and forces it with
     * whatever else is pending: group commit (组提交). Returns at once: called on a worker with
     * the transfer's account locks held, and neither the worker nor the locks wait for the disk.
     * Whoever reports the decision waits for it instead, with whenDurable().
     *
     * <p>Throws once a batch has failed: nothing is appended after a failure until a restart.
     */
    @Override
    public void record(Transfer transfer, boolean made) throws IOException {
        if (!replayed) {
            throw new IllegalStateException("replay " + file + " before appending to it");
        }
        lock.lock();
        try {
            if (failed) {
                throw failureFor(failedBatchEnd);
            }
            if (closing) {
                throw new Ledger.NotRecordedException(file + " is closed");
            }
            long sequence = lastSequence + 1; // numbered under the account locks: the journal's order is the order applied
            line(sequence, transfer, made, pending);
            lastSequence = sequence;
            if (!delaying) {
                work.signal(); // the journal thread, if it sleeps; nobody, while it forces
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commandInWork() {
        commandsInWork.incrementAndGet();
    }

    @Override
    public void commandDone() {
        // The journal thread sets delaying, then reads the count; we write the count, then read
        // delaying: at least one of us sees the other, so a delay never misses its last command.
        if (commandsInWork.decrementAndGet() == 0 && delaying) {
            lock.lock();
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public long lastRecorded() {
        return lastSequence;
    }

    /**
     * Calls {@code then} with null once every line up to {@code sequence} is on the disk, or with
     * the reason if it never will be: at once on this thread if that is already known, else on
     * the journal thread after the force. Calls made in order for sequences that do not go down
     * (one connection's replies) are answered in that order.
     */
    @Override
    public void whenDurable(long sequence, Consumer<IOException> then) {
        IOException outcome;
        lock.lock();
        try {
            if (sequence <= toldSequence) {
                outcome = null;
            } else if (failureTold) {
                outcome = failureFor(sequence);
            } else {
                waiters.addLast(new Waiter(sequence, then)); // answered now, it could overtake a wait being told
                return;
            }
        } finally {
            lock.unlock();
        }
        then.accept(outcome);
    }

    /** The journal thread: takes what is pending, writes it in one write, forces once, tells whoever waited for it. */
    private void writeBatches() {
        long delayNanos = 0; // the longest commit delay before the next batch: as long as the last force took
        try {
            while (true) {
                byte[] batch;
                long batchStart;
                long batchEnd;
                lock.lock();
                try {
                    while (pending.size() == 0 && !closing) {
                        work.await();
                    }
                    if (pending.size() == 0) {
                        return; // closing, and everything is written
                    }
                    delaying = true;
                    for (long left = delayNanos; left > 0 && commandsInWork.get() > 0 && !closing; ) {
                        left = work.awaitNanos(left);
                    }
                    delaying = false;
                    batch = pending.toByteArray();
                    pending.reset();
                    batchStart = end;
                    batchEnd = lastSequence;
                } finally {
                    lock.unlock();
                }
                IOException error = null;
                boolean mayBeOnDisk = false;
                long forceStart = System.nanoTime();
                try {
                    file.append(ByteBuffer.wrap(batch));
                    file.force();
                } catch (IOException e) {
                    error = e;
                    mayBeOnDisk = !takenBack(batchStart, e);
                }
                long forceNanos = System.nanoTime() - forceStart;
                lock.lock();
                try {
                    if (error == null) {
                        durableSequence = batchEnd;
                        end = batchStart + batch.length;
                    } else {
                        failed = true;
                        failedBatchEnd = batchEnd;
                        failedBatchMayBeOnDisk = mayBeOnDisk;
                        failure = error;
                    }
                } finally {
                    lock.unlock();
                }
                if (error != null) {
                    System.err.println(file + ": writing failed, appending nothing more until a restart: " + error);
                }
                tellWaiters();
                if (error != null) {
                    return;
                }
                // A commit delay, like PostgreSQL's commit_delay: the next batch waits for the
                // commands the workers have in hand, whose lines are coming, but for no line that
                // is not in the server yet, and for at most as long as this force took: fewer
                // forces, each carrying more, and the CPU a force costs goes to the transfers.
                delayNanos = Math.min(forceNanos, maxCommitDelayNanos);
            }
        } catch (InterruptedException e) {
            // close() gave up on a disk that does not answer: what is pending was never acknowledged.
        }
    }

    /** Everyone waiting for a line on disk (or for any line, after a failure), in the order they asked. */
    private void tellWaiters() {
        while (true) {
            List<Waiter> due = new ArrayList<>();
            List<IOException> outcomes = new ArrayList<>();
            lock.lock();
            try {
                for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                    Waiter waiter = it.next();
                    if (failed || waiter.sequence <= durableSequence) {
                        it.remove();
                        due.add(waiter);
                        outcomes.add(waiter.sequence <= durableSequence ? null : failureFor(waiter.sequence));
                    }
                }
                if (due.isEmpty()) {
                    // Only now may a later wait be answered at once: every earlier one has been.
                    toldSequence = durableSequence;
                    failureTold = failed;
                    told.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < due.size(); i++) { // outside the lock: workers keep recording meanwhile
                try {
                    due.get(i).then.accept(outcomes.get(i));
                } catch (RuntimeException e) {
                    System.err.println(file + ": a reply waiting for the disk failed: " + e);
                }
            }
        }
    }

    /** Waits until every line recorded so far is forced, or has failed, and whoever waited is told; false if the deadline came first. */
    @Override
    public boolean awaitDurable(long deadlineNanos) {
        lock.lock();
        try {
            while (toldSequence < lastSequence && !failureTold) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                told.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: what a record() whose line did not make it is told, once the journal has failed. */
    private IOException failureFor(long sequence) {
        if (sequence <= failedBatchEnd && failedBatchMayBeOnDisk) {
            return new IOException(file + ": writing failed and could not be undone (" + failure + ")", failure);
        }
        return new Ledger.NotRecordedException(file + ": writing failed, the line is not in the file (" + failure + ")",
                failure);
    }

    /** Lines made and not on the disk yet: the batch being written plus the next one; for tests. */
    long waitingForDisk() {
        lock.lock();
        try {
            return lastSequence - durableSequence;
        } finally {
            lock.unlock();
        }
    }

    /** Best effort: cuts the file back to {@code length}; false (with the reason added to {@code cause}) if it could not. */
    private boolean takenBack(long length, IOException cause) {
        try {
            file.truncate(length);
            return true;
        } catch (IOException e) {
            cause.addSuppressed(e);
            return false; // a restart may find the lines whole, and replay them
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }

    /** Writes and forces what is pending (for up to CLOSE_TIMEOUT_MS), tells who waited, ends the journal thread, closes the file. */
    @Override
    public void close() throws IOException {
        Thread writing;
        lock.lock();
        try {
            closing = true;
            work.signal();
            writing = writer;
        } finally {
            lock.unlock();
        }
        if (writing != null) {
            try {
                writing.join(CLOSE_TIMEOUT_MS);
                if (writing.isAlive()) { // a disk that does not answer: what is left was never acknowledged
                    System.err.println(file + ": closing without the lines still waiting for the disk");
                    writing.interrupt();
                    writing.join(CLOSE_TIMEOUT_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        file.close();
    }

    /** One reply (or close) waiting for line {@code sequence} to be forced. */
    private record Waiter(long sequence, Consumer<IOException> then) {
    }
}
