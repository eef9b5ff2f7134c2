package course.reactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Every decision on a transfer, one line each, appended to {@code DIR/journal.txt} and forced to
 * the disk before the client hears of it:
 * <pre>
 * 1 TRANSFER alice t-1 bob 2500 2ad66fe1
 * 2 REFUSED bob t-9 alice 999999 d33867a6
 * </pre>
 * A sequence number, made or refused, the payer, the payer's id for it, the payee, the cents, and
 * a CRC32C of everything before it. Transfers waiting for the disk at the same time share one
 * write and one force (group commit, see record()).
 *
 * <p>The balances are not stored: on start the server takes the opening balances from its
 * accounts and replays the journal on top, which also rebuilds every id's outcome. Each write
 * ends with a newline and the next starts only after the force, so a crash can only leave bytes
 * without a newline at the end: replay cuts them off, since that line was never forced, nor
 * acknowledged. A line with its newline that fails its checksum, does not parse, or breaks the
 * sequence is damage we cannot explain, and the server refuses to start rather than guess.
 */
final class Journal implements Ledger.Recorder, AutoCloseable {
    static final String FILE_NAME = "journal.txt";
    static final String MADE = "TRANSFER";
    static final String REFUSED = "REFUSED";
    /** A checksum's width: 8 hex digits. */
    private static final int CRC_CHARS = 8;

    private final JournalFile file;
    /** Appending before the replay would glue new lines to a torn one. Volatile: set by replay, unlocked. */
    private volatile boolean replayed;
    /** Guarded by this: the sequence number of the last line made, written or not. */
    private long lastSequence;
    /** Guarded by this: every line up to this sequence number is on the disk. */
    private long durableSequence;
    /** Guarded by this: lines made while a batch is being written, for the next batch. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** Guarded by this: the file's length after the last batch written, where the next one goes. */
    private long end;
    /** Guarded by this: a leader is writing and forcing a batch, outside the monitor. */
    private boolean writing;
    /** Guarded by this. Set once a batch failed: the end of the file is no longer known, append nothing. */
    private boolean failed;
    /** Guarded by this: after a failure, the last line of the failed batch, and whether it may be on disk. */
    private long failedBatchEnd;
    private boolean failedBatchMayBeOnDisk;
    private IOException failure;

    Journal(JournalFile file) {
        this.file = file;
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
        synchronized (this) {
            lastSequence = lines;
            durableSequence = lines;
            end = lineStart;
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

    /** The line for a decision, with its newline. */
    static byte[] line(long sequence, Transfer transfer, boolean made) {
        String text = sequence + " " + (made ? MADE : REFUSED) + " " + transfer.payer() + " " + transfer.id()
                + " " + transfer.payee() + " " + transfer.cents();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return (text + " " + crc(body, 0, body.length) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** CRC32C (the JDK's, in hardware on most CPUs) as 8 lower-case hex digits. */
    private static String crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(CRC_CHARS - hex.length()) + hex;
    }

    /**
     * Appends one decision and waits until it is on the disk: group commit (组提交). On a worker
     * thread, with the transfer's account locks held: force() takes from a fraction of a
     * millisecond to tens of them, and transfers that arrive meanwhile must not each wait for a
     * force of their own. So a line is first numbered and put in {@code pending}; if no batch is
     * being written, this thread becomes the leader: it takes everything pending, writes it in
     * one write, forces once, and wakes the others. Lines that arrived during its force are the
     * next leader's batch. One force, however many transfers it carries; none returns before
     * the force that covers its line.
     *
     * <p>If the write or the force fails, the batch may be partly or wholly in the file: it is
     * cut off again if possible (then a {@link Ledger.NotRecordedException} for each of its
     * transfers), else the IOException says the outcome is unknown. Lines not yet written are
     * not recorded. Nothing is appended after a failure until a restart.
     */
    @Override
    public void record(Transfer transfer, boolean made) throws IOException {
        if (!replayed) {
            throw new IllegalStateException("replay " + file + " before appending to it");
        }
        long mine;
        synchronized (this) {
            if (failed) {
                throw new Ledger.NotRecordedException(file + ": an earlier write failed; nothing appended since");
            }
            mine = ++lastSequence; // numbered under the account locks: the journal's order is the order applied
            pending.writeBytes(line(mine, transfer, made));
        }
        boolean interrupted = false;
        try {
            while (true) {
                byte[] batch;
                long batchStart;
                long batchEnd;
                synchronized (this) {
                    while (durableSequence < mine && writing && !failed) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            // The leader's force decides this line's fate; an interrupted leader fails the batch.
                            interrupted = true;
                        }
                    }
                    if (durableSequence >= mine) {
                        return;
                    }
                    if (failed) {
                        throw failureFor(mine);
                    }
                    batch = pending.toByteArray(); // nobody is writing, and ours is still pending: lead
                    pending.reset();
                    batchStart = end;
                    batchEnd = lastSequence;
                    writing = true;
                }
                IOException error = null;
                boolean mayBeOnDisk = false;
                try {
                    file.append(ByteBuffer.wrap(batch));
                    file.force();
                } catch (IOException e) {
                    error = e;
                    mayBeOnDisk = !takenBack(batchStart, e);
                }
                synchronized (this) {
                    writing = false;
                    if (error == null) {
                        durableSequence = batchEnd;
                        end = batchStart + batch.length;
                    } else {
                        failed = true;
                        failedBatchEnd = batchEnd;
                        failedBatchMayBeOnDisk = mayBeOnDisk;
                        failure = error;
                    }
                    notifyAll();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Guarded by this: what a record() whose line did not make it is told, once the journal has failed. */
    private IOException failureFor(long sequence) {
        if (sequence <= failedBatchEnd && failedBatchMayBeOnDisk) {
            return new IOException(file + ": writing failed and could not be undone (" + failure + ")", failure);
        }
        return new Ledger.NotRecordedException(file + ": writing failed, the line is not in the file (" + failure + ")",
                failure);
    }

    /** Lines made and not on the disk yet: the batch being written plus the next one; for tests. */
    synchronized long waitingForDisk() {
        return lastSequence - durableSequence;
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

    @Override
    public void close() throws IOException {
        file.close();
    }
}
