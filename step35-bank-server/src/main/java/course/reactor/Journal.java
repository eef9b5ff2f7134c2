package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every transfer, one line each, appended to {@code DIR/journal.txt} and forced to the disk
 * before the transfer is acknowledged:
 * <pre>
 * TRANSFER alice bob 2500
 * TRANSFER bob alice 100
 * </pre>
 * The balances are not stored: on start the server takes the opening balances from its accounts
 * and replays the journal on top. A crash in the middle of a write leaves a torn last line; replay
 * cuts it off, since that transfer was never acknowledged. A bad line anywhere else is damage we
 * cannot explain, and the server refuses to start rather than guess.
 */
final class Journal implements Ledger.Recorder, AutoCloseable {
    static final String FILE_NAME = "journal.txt";
    private static final String VERB = "TRANSFER";

    private final Path file;
    private final FileChannel channel;
    /** Guarded by this: appending before the replay would glue new lines to a torn one. */
    private boolean replayed;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) the journal in {@code dir}; replay() must come before the first record(). */
    static Journal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        boolean created = Files.notExists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (created) {
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
     * A torn last line is logged, cut off the file, and forgotten; any other bad line, or a
     * transfer the accounts cannot take, is an IOException naming the line.
     */
    synchronized int replay(Ledger ledger) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int lineStart = 0;
        int lineNumber = 0;
        int replayedLines = 0;
        long goodLength = 0; // the file up to the end of the last good line
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lineNumber++;
            String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
            boolean last = i == bytes.length - 1;
            String[] transfer = parse(line);
            if (transfer == null && last) {
                System.err.println(file + " line " + lineNumber + ": ignored a torn last line (a crash while writing it)");
                break;
            }
            if (transfer == null) {
                throw new IOException(file + " line " + lineNumber + ": not a transfer; the journal is damaged");
            }
            try {
                ledger.replay(transfer[0], transfer[1], Ledger.parseCents(transfer[2]));
            } catch (BankException e) {
                throw new IOException(file + " line " + lineNumber + ": does not fit the accounts ("
                        + e.getMessage() + "); was it written with other accounts?", e);
            }
            replayedLines++;
            lineStart = i + 1;
            goodLength = lineStart;
        }
        if (goodLength == lineStart && lineStart < bytes.length && bytes[bytes.length - 1] != '\n') {
            System.err.println(file + " line " + (lineNumber + 1) + ": ignored a torn last line without its newline"
                    + " (a crash while writing it)");
        }
        if (goodLength < bytes.length) {
            channel.truncate(goodLength);
            channel.force(true);
        }
        channel.position(goodLength);
        replayed = true;
        return replayedLines;
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
     */
    @Override
    public synchronized void record(String from, String to, long cents) throws IOException {
        if (!replayed) {
            throw new IllegalStateException("replay " + file + " before appending to it");
        }
        ByteBuffer line = ByteBuffer.wrap((VERB + " " + from + " " + to + " " + cents + "\n")
                .getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            channel.write(line);
        }
        channel.force(false); // the data, and the file's new length with it; not its timestamps
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
