package course.reactor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the journal's bytes go: a file on disk ({@link OnDisk}), or a test's recording double,
 * which can show that nothing is acknowledged before it has been forced. The Journal calls one
 * method at a time.
 */
interface JournalFile extends Closeable {
    /** Everything written to the file, from the start. */
    byte[] readAll() throws IOException;

    /** Appends all of {@code bytes} at the end, or throws. Not on the disk yet: see force(). */
    void append(ByteBuffer bytes) throws IOException;

    /** Returns once everything appended so far is on the device, and would survive a power cut. */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes, forced, and appends after that from now on. */
    void truncate(long size) throws IOException;

    /** The name, for messages. */
    @Override
    String toString();

    /**
     * {@code DIR/journal.txt}, locked for as long as it is open: two servers appending to one
     * journal would write over each other's lines.
     *
     * <p>The file is grown a megabyte of zeros at a time, ahead of the lines (预分配, as
     * PostgreSQL fills its WAL segments): a force after a write into space the file already has
     * flushes only the data, while one after a write that grows the file must also commit the new
     * length through the file system's own journal, which on this machine takes half as much time
     * and CPU again (results/fsync-cost.txt). A journal line never holds a zero byte, so the lines end
     * at the first one; close() cuts the zeros off.
     */
    final class OnDisk implements JournalFile {
        /** How far ahead of the lines the file is grown: a few hundred milliseconds of lines at full load. */
        static final int PREALLOCATION = 1 << 20;
        private final Path file;
        private final FileChannel channel;
        /** Where the next line goes: the end of what was written. */
        private long end;
        /** The file's length: zeros from end to here. */
        private long allocated;

        private OnDisk(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** Opens (or creates) {@code dir/name}; an IOException if another server holds it. */
        static OnDisk open(Path dir, String name) throws IOException {
            List<Path> created = new ArrayList<>();
            for (Path missing = dir.toAbsolutePath(); missing != null && Files.notExists(missing); missing = missing.getParent()) {
                created.add(missing);
            }
            Files.createDirectories(dir);
            for (Path directory : created) {
                forceDirectory(directory.getParent()); // a new directory's name is in its parent, as a file's is
            }
            Path file = dir.resolve(name);
            boolean createdFile = Files.notExists(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                lock(channel);
                if (createdFile) {
                    forceDirectory(dir); // a new file's name is in the directory, which has its own disk blocks
                }
                return new OnDisk(file, channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /** An exclusive lock, held until the channel closes, and given back by the kernel if the process dies. */
        private static void lock(FileChannel channel) throws IOException {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                throw new IOException("another server is using it (its journal is locked)");
            }
        }

        private static void forceDirectory(Path dir) {
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException e) {
                // Linux can; some systems cannot open a directory this way, and there is nothing better to do.
            }
        }

        /**
         * Up to the first zero byte, if only zeros follow it: the zeros grown ahead of the lines,
         * which are cut off here. Data after zeros is refused: a write cut short by a power cut
         * (the disk may keep its later sectors and lose earlier ones) looks just like lines lost
         * in the middle, and only a person can tell which.
         *
         * <p>Through the locked channel, never Files.readAllBytes: the lock is a POSIX record lock,
         * and closing any other descriptor of the file would release it (fcntl(2)).
         */
        @Override
        public byte[] readAll() throws IOException {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is too large to replay (" + size + " bytes)");
            }
            ByteBuffer read = ByteBuffer.allocate((int) size);
            while (read.hasRemaining() && channel.read(read, read.position()) >= 0) {
                // until all of it is in
            }
            byte[] bytes = read.array();
            int written = 0;
            while (written < read.position() && bytes[written] != 0) {
                written++;
            }
            for (int i = written; i < read.position(); i++) {
                if (bytes[i] != 0) {
                    throw new IOException(file + ": zero bytes from offset " + written + ", then data again at "
                            + i + ": a write cut short by a power cut, or damage; cut the file at " + written
                            + " by hand if the data after it is its last batch, never acknowledged");
                }
            }
            if (written < size) {
                truncate(written);
            }
            end = written;
            allocated = written;
            return Arrays.copyOf(bytes, written);
        }

        @Override
        public void append(ByteBuffer bytes) throws IOException {
            if (end + bytes.remaining() > allocated) {
                try {
                    grow(bytes.remaining());
                } catch (IOException e) {
                    // A disk with no room for a megabyte may still have room for the lines: they
                    // go on, and grow the file themselves, as they would without zeros.
                }
            }
            while (bytes.hasRemaining()) {
                end += channel.write(bytes, end);
            }
            allocated = Math.max(allocated, end);
        }

        /** Zeros, a megabyte at a time, until {@code needed} more bytes fit. */
        private void grow(int needed) throws IOException {
            while (end + needed > allocated) {
                ByteBuffer zeros = ByteBuffer.allocate(PREALLOCATION);
                while (zeros.hasRemaining()) {
                    allocated += channel.write(zeros, allocated);
                }
            }
        }

        @Override
        public void force() throws IOException {
            channel.force(false); // the data, and the file's new length with it; not its timestamps
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
            channel.force(true);
            end = size;
            allocated = size;
        }

        @Override
        public String toString() {
            return file.toString();
        }

        /**
         * Cuts off the zeros ahead of the lines, then closes: a clean stop leaves only lines.
         * Not forced: close must not wait for a disk that may not answer, and zeros left behind
         * after a power cut are cut at the next start.
         */
        @Override
        public void close() throws IOException {
            try (channel) { // and the lock with it
                if (channel.isOpen() && allocated > end) { // closed already if a force was interrupted
                    channel.truncate(end);
                }
            } catch (IOException e) {
                System.err.println(file + ": could not cut off the zeros ahead of the lines (the next start will): " + e);
            }
        }
    }
}
