package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Every decision on a transfer, one line each, appended to {@code DIR/journal.txt} and forced to
 * the disk before the client hears of it:
 * <pre>
 * 1 TRANSFER alice t-1 bob 2500 5c1ba2d4
 * 2 REFUSED bob t-9 alice 999999 0e6f3a71
 * </pre>
 * A sequence number, made or refused, the payer, the payer's id for it, the payee, the cents, and
 * a CRC32C of everything before it. The balances are not stored: on start the server takes the
 * opening balances from its accounts and replays the journal on top, which also rebuilds every
 * id's outcome. Each line ends with its newline and the next write starts only after the force,
 * so a crash can only leave bytes without a newline at the end: replay cuts them off, since
 * that transfer was never acknowledged. A line with its newline that fails its checksum, does
 * not parse, or breaks the sequence is damage we cannot explain, and the server refuses to start
 * rather than guess.
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
    /** Guarded by this: the sequence number of the last line in the file. */
    private long lastSequence;
    /** Guarded by this: the file's length, where the next line goes. */
    private long end;
    /** Guarded by this. Set once a record failed: the end of the file is no longer known, append nothing. */
    private boolean failed;

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
     * Appends one decision and waits until it is on the disk. On a worker thread: force() takes
     * from a fraction of a millisecond (a disk with a write cache it trusts) to tens of them.
     * One at a time: each transfer pays for its own force.
     *
     * <p>If the write or the force fails, the line may be partly or wholly in the file: it is cut
     * off again if possible (then a {@link Ledger.NotRecordedException}), else the IOException
     * says the outcome is unknown. Either way nothing is appended after it until a restart.
     */
    @Override
    public synchronized void record(Transfer transfer, boolean made) throws IOException {
        if (!replayed) {
            throw new IllegalStateException("replay " + file + " before appending to it");
        }
        if (failed) {
            throw new Ledger.NotRecordedException(file + ": an earlier write failed; nothing appended since");
        }
        byte[] line = line(lastSequence + 1, transfer, made);
        try {
            file.append(ByteBuffer.wrap(line));
            file.force();
        } catch (IOException e) {
            failed = true;
            takeBack(end, e);
            throw new Ledger.NotRecordedException(file + ": writing failed, the line was cut off again (" + e + ")", e);
        }
        lastSequence++;
        end += line.length;
    }

    /** Best effort: cuts the file back to {@code length}, or throws {@code cause} with the reason it could not. */
    private void takeBack(long length, IOException cause) throws IOException {
        try {
            file.truncate(length);
        } catch (IOException e) {
            cause.addSuppressed(e);
            throw cause; // a restart may find the line whole, and replay it
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
