package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every transfer, one line each, appended to {@code DIR/journal.txt} and forced to the disk
 * before the transfer is acknowledged:
 * <pre>
 * TRANSFER alice bob 2500
 * TRANSFER bob alice 100
 * </pre>
 * The balances are not stored: on start the server takes the opening balances from its accounts
 * and replays the journal on top. Each line goes out in one write that ends with its newline, and
 * the next starts only after the force, so a crash can only leave bytes without a newline at the
 * end: replay cuts them off, since that transfer was never acknowledged. A line with its newline
 * that does not parse is damage we cannot explain, and the server refuses to start rather than guess.
 */
final class Journal implements Ledger.Recorder, AutoCloseable {
    static final String FILE_NAME = "journal.txt";
    private static final String VERB = "TRANSFER";

    private final Path file;
    private final FileChannel channel;
    /** Appending before the replay would glue new lines to a torn one. Volatile: set by replay, unlocked. */
    private volatile boolean replayed;
    /** Guarded by this. Set once a record failed: the end of the file is no longer known, append nothing. */
    private boolean failed;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) the journal in {@code dir}; replay() must come before the first record(). */
    static Journal open(Path dir) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path missing = dir.toAbsolutePath(); missing != null && Files.notExists(missing); missing = missing.getParent()) {
            created.add(missing);
        }
        Files.createDirectories(dir);
        for (Path directory : created) {
            forceDirectory(directory.getParent()); // a new directory's name is in its parent, as a file's is
        }
        Path file = dir.resolve(FILE_NAME);
        boolean createdFile = Files.notExists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (createdFile) {
            forceDirectory(dir); // a new file's name is in the directory, which has its own disk blocks
        }
        return new Journal(file, channel);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Linux can; some systems cannot open a directory this way, and there is nothing better to do.
        }
    }

    /**
     * Gives every transfer in the file to {@code ledger}, oldest first, and returns how many.
     * Bytes after the last newline are a torn write: logged, cut off the file, and forgotten. A
     * line with its newline that is not a transfer (blank lines and CRLF included: this class
     * never writes them), or a transfer the accounts cannot take, is an IOException naming the line.
     *
     * <p>Not synchronized: ledger.replay takes account locks, while record() is called with
     * account locks held and then takes this monitor; holding it here would take them the other
     * way round. Replay runs once, before the server listens, so no record() runs meanwhile.
     */
    int replay(Ledger ledger) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int lineStart = 0;
        int lines = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lines++;
            String[] transfer = parse(new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8));
            if (transfer == null) {
                throw new IOException(file + " line " + lines + ": not a transfer; the journal is damaged");
            }
            try {
                ledger.replay(transfer[0], transfer[1], Ledger.parseCents(transfer[2]));
            } catch (BankException e) {
                throw new IOException(file + " line " + lines + ": does not fit the accounts ("
                        + e.getMessage() + "); was it written with other accounts?", e);
            }
            lineStart = i + 1;
        }
        if (lineStart < bytes.length) {
            // Even if it parses: without its newline the write did not finish, so it was never forced nor acknowledged.
            System.err.println(file + " line " + (lines + 1) + ": ignored a torn last line without its newline"
                    + " (a crash while writing it)");
            channel.truncate(lineStart);
            channel.force(true);
        }
        channel.position(lineStart);
        replayed = true;
        return lines;
    }

    /** {@code [from, to, cents]}, or null if the line is not a whole transfer line. */
    private static String[] parse(String line) {
        String[] words = line.split(" ", -1);
        if (words.length != 4 || !words[0].equals(VERB) || words[1].isEmpty() || words[2].isEmpty()) {
            return null;
        }
        try {
            Ledger.parseCents(words[3]);
        } catch (NumberFormatException e) {
            return null;
        }
        return new String[] {words[1], words[2], words[3]};
    }

    /**
     * Appends one transfer and waits until it is on the disk. On a worker thread: force() takes
     * from a fraction of a millisecond (a disk with a write cache it trusts) to tens of them.
     * One at a time: each transfer pays for its own force (group commit would share one).
     *
     * <p>If the write or the force fails, the line may be partly or wholly in the file: it is cut
     * off again if possible (then a {@link Ledger.NotRecordedException}), else the IOException
     * says the outcome is unknown. Either way nothing is appended after it until a restart.
     */
    @Override
    public synchronized void record(String from, String to, long cents) throws IOException {
        if (!replayed) {
            throw new IllegalStateException("replay " + file + " before appending to it");
        }
        if (failed) {
            throw new Ledger.NotRecordedException(file + ": an earlier write failed; nothing appended since");
        }
        ByteBuffer line = ByteBuffer.wrap((VERB + " " + from + " " + to + " " + cents + "\n")
                .getBytes(StandardCharsets.UTF_8));
        long before;
        try {
            before = channel.position();
        } catch (IOException e) {
            failed = true;
            throw new Ledger.NotRecordedException(file + ": cannot append (" + e + ")", e);
        }
        try {
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.force(false); // the data, and the file's new length with it; not its timestamps
        } catch (IOException e) {
            failed = true;
            takeBack(before, e);
            throw new Ledger.NotRecordedException(file + ": writing failed, the line was cut off again (" + e + ")", e);
        }
    }

    /** Best effort: cuts the file back to {@code length}, or throws {@code cause} with the reason it could not. */
    private void takeBack(long length, IOException cause) throws IOException {
        try {
            channel.truncate(length);
            channel.force(true);
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
        channel.close();
    }
}
