package course.reactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A journal file in memory that records what was forced: the test double that shows no OK
 * leaves before its line is on the "disk". It can also hold every force until released (a
 * disk that is slow for as long as a test needs), make the next one take a while (a slow disk
 * whose force the journal times), and fail them (a full disk).
 */
final class RecordingJournalFile implements JournalFile {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** How many of the bytes the last force covered: what would survive a power cut. */
    private int forcedLength;
    private int forces;
    private int appends;
    /** Each append's bytes, as text. */
    private final List<String> appended = new ArrayList<>();
    private long nextForceNanos;
    private IOException forceFailure;
    /** Non-null while forces are held; counted down to release them. */
    private CountDownLatch release;
    private int forcesEntered;

    RecordingJournalFile() {
    }

    /** A file that already holds {@code text}, all of it forced. */
    RecordingJournalFile(String text) {
        bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        forcedLength = bytes.size();
    }

    @Override
    public synchronized byte[] readAll() {
        return bytes.toByteArray();
    }

    @Override
    public synchronized void append(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        bytes.writeBytes(copy);
        appends++;
        appended.add(new String(copy, StandardCharsets.UTF_8));
    }

    @Override
    public void force() throws IOException {
        CountDownLatch held;
        long takes;
        synchronized (this) {
            forcesEntered++;
            notifyAll();
            held = release;
            takes = nextForceNanos;
            nextForceNanos = 0;
        }
        for (long end = System.nanoTime() + takes; System.nanoTime() < end; ) {
            LockSupport.parkNanos(end - System.nanoTime()); // the device at work: nothing to wait for but time
        }
        if (held != null) {
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the held force was interrupted");
            }
        }
        synchronized (this) {
            if (forceFailure != null) {
                throw forceFailure;
            }
            forcedLength = bytes.size();
            forces++;
        }
    }

    @Override
    public synchronized void truncate(long size) {
        byte[] kept = Arrays.copyOf(bytes.toByteArray(), (int) size);
        bytes.reset();
        bytes.writeBytes(kept);
        forcedLength = Math.min(forcedLength, kept.length);
    }

    /** From now on each force waits until releaseForces(). */
    synchronized void holdForces() {
        release = new CountDownLatch(1);
    }

    synchronized void releaseForces() {
        if (release != null) {
            release.countDown();
            release = null;
        }
    }

    /** The next force returns only after {@code duration}, as a slow disk's would. */
    synchronized void slowNextForce(Duration duration) {
        nextForceNanos = duration.toNanos();
    }

    /** From now on each force throws {@code failure}. */
    synchronized void failForces(IOException failure) {
        forceFailure = failure;
    }

    /** Waits (up to 10 s) until {@code count} forces have begun, held or not. */
    synchronized void awaitForcesEntered(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (forcesEntered < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(forcesEntered + " forces begun, expected " + count);
            }
            wait(left / 1_000_000 + 1);
        }
    }

    /** What a power cut would leave: the bytes up to the last force. */
    synchronized String forcedText() {
        return new String(bytes.toByteArray(), 0, forcedLength, StandardCharsets.UTF_8);
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    synchronized int forces() {
        return forces;
    }

    synchronized int appends() {
        return appends;
    }

    /** The text of each append, in order: which lines shared a write. */
    synchronized List<String> appendedTexts() {
        return List.copyOf(appended);
    }

    @Override
    public String toString() {
        return "journal.txt";
    }

    @Override
    public void close() {
    }
}
