package course.reactor.bench;

import course.reactor.bench.LoadGenerator.Config;
import course.reactor.bench.LoadGenerator.Mode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One generator thread: its share of the connections, one Selector, one histogram. Every reply is
 * compared byte for byte with what was sent; a wrong byte, a reply to nothing, or a connection the
 * server closes is an error, and that connection is dropped.
 *
 * <p>Closed loop: each connection keeps {@code depth} frames in flight and sends the next one when
 * a reply comes back; latency runs from the moment a frame is queued. Open loop: each connection
 * sends on its own {@link Schedule}, replies or not, and latency runs from the intended send time.
 *
 * <p>When told to stop, the loop sends nothing new and waits for the replies still owed, up to the
 * drain deadline; a frame unanswered by then is counted, and its connection is an error: a server
 * that stops answering without closing cannot score zero errors.
 */
final class GeneratorLoop {
    /** One read takes up to this much; the same buffer serves every connection of the loop. */
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** A connection's outgoing bytes: copies of its frame, up to this much, so that one write can take several. */
    private static final int RING_BYTES = 64 * 1024;
    /** Frames an open-loop connection can write in one call when it is behind. */
    private static final int OPEN_LOOP_RING_FRAMES = 16;
    /**
     * Closer than this to the next scheduled send, the loop polls instead of sleeping in select:
     * select's timeout counts whole milliseconds, far coarser than the gaps it must keep.
     */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /** The run's clock: warm-up from {@code start}, measured from {@code measureStart} to {@code measureEnd}. */
    record Timeline(long start, long measureStart, long measureEnd) {
        boolean inWindow(long nanos) {
            return nanos - measureStart >= 0 && nanos - measureEnd < 0;
        }
    }

    private final Config config;
    private final boolean open;
    private final int firstId;
    private final int count;
    private final Random random;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    /** Open loop: the connections by the time of their next send. */
    private final PriorityQueue<Conn> bySendTime = new PriorityQueue<>(Comparator.comparingLong(Conn::dueNanos));
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final Histogram latencies = Histograms.create();
    private Timeline timeline;
    private volatile boolean stopping;
    private volatile long stopNanos;
    private boolean draining;
    private long drainDeadline;
    /** Frames queued or owed and not yet answered, over the connections still open. */
    private long inFlight;
    private long messages;
    private long errors;
    private long unanswered;
    private int held;

    GeneratorLoop(Config config, int firstId, int count, Random random) throws IOException {
        this.config = config;
        this.open = config.mode() == Mode.OPEN;
        this.firstId = firstId;
        this.count = count;
        this.random = random;
        this.selector = Selector.open();
    }

    /** Opens this loop's connections; one that cannot connect is an error. */
    void connect() {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        for (int i = 0; i < count; i++) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                // Blocking, with a timeout: fast on loopback, and a full backlog cannot hang the run.
                channel.socket().connect(address, CONNECT_TIMEOUT_MILLIS);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                Conn conn = new Conn(channel, LoadGenerator.frame(config.payloadBytes(), firstId + i));
                conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
                conns.add(conn);
            } catch (IOException e) {
                errors++;
                closeQuietly(channel);
            }
        }
        held = conns.size();
    }

    /** Runs the load until told to {@link #stop}, then drains; returns when every frame is answered or the deadline passed. */
    void run(Timeline timeline) throws IOException {
        this.timeline = timeline;
        if (open) {
            long interval = Schedule.intervalNanos(config.offeredPerSecond(), config.connections());
            for (Conn conn : conns) {
                conn.schedule = Schedule.withRandomPhase(timeline.start(), interval, random);
                bySendTime.add(conn);
            }
        } else {
            long now = System.nanoTime();
            for (Conn conn : conns) {
                conn.queue(config.depth(), now);
                conn.flushOrFail();
            }
        }
        while (true) {
            long now = System.nanoTime();
            if (!draining && stopping) {
                if (open) {
                    sendDue(stopNanos); // a loop that was behind still owes every frame meant before the stop
                }
                draining = true;
                drainDeadline = stopNanos + config.drain().toNanos();
            }
            if (draining && (inFlight == 0 || now - drainDeadline >= 0)) {
                break;
            }
            if (open && !draining) {
                sendDue(now);
            }
            waitForEvents(now);
        }
        countUnanswered();
    }

    /** Ends the load: no new frames from now on; replies still owed are awaited until the drain deadline. */
    void stop(long nowNanos) {
        stopNanos = nowNanos;
        stopping = true;
        selector.wakeup();
    }

    private void waitForEvents(long now) throws IOException {
        long wait;
        if (draining) {
            wait = drainDeadline - now;
        } else if (open && !bySendTime.isEmpty()) {
            wait = bySendTime.peek().dueNanos() - now;
        } else {
            wait = Long.MAX_VALUE; // closed loop: a reply or stop() wakes the selector
        }
        if (wait < SPIN_NANOS) {
            selector.selectNow(this::handle);
        } else {
            selector.select(this::handle, wait == Long.MAX_VALUE ? 0 : wait / 1_000_000 - 1);
        }
    }

    /** Every frame whose time has come is owed at once: a late loop catches up, it skips none. */
    private void sendDue(long now) {
        while (!bySendTime.isEmpty() && bySendTime.peek().dueNanos() - now <= 0) {
            Conn conn = bySendTime.poll();
            if (!conn.channel.isOpen()) {
                continue; // failed: it leaves the schedule
            }
            conn.owe(conn.schedule.framesDueBy(now) - conn.framesQueued);
            conn.flushOrFail();
            bySendTime.add(conn);
        }
    }

    private void handle(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isReadable()) {
                conn.read();
            }
            if (key.isValid() && key.isWritable()) {
                conn.flush();
            }
        } catch (IOException e) {
            conn.fail();
        }
    }

    /** At the end of the drain: a connection still owing replies has stopped answering. */
    private void countUnanswered() {
        for (Conn conn : conns) {
            long owed = conn.framesQueued - conn.framesReceived;
            if (conn.channel.isOpen() && owed > 0) {
                unanswered += owed;
                conn.fail();
            }
        }
        held = (int) conns.stream().filter(conn -> conn.channel.isOpen()).count();
    }

    void close() {
        for (Conn conn : conns) {
            closeQuietly(conn.channel);
        }
        closeQuietly(selector);
    }

    Histogram latencies() {
        return latencies;
    }

    long messages() {
        return messages;
    }

    long errors() {
        return errors;
    }

    long unanswered() {
        return unanswered;
    }

    int held() {
        return held;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** One connection: what it owes the server, and what it expects back. */
    private final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        final byte[] frame;
        /** Copies of the frame: any run of frames, from any offset, is at most two slices of it. */
        final ByteBuffer outgoing;
        /** Closed loop: when each frame in flight was queued, by its number modulo depth. */
        final long[] queuedAt;
        /** Open loop: when each frame is meant to be sent. */
        Schedule schedule;
        long framesQueued;
        long framesReceived;
        long bytesToSend;
        long bytesSent;
        long bytesReceived;
        /** How far into the expected reply frame the bytes read so far reach. */
        int replyOffset;

        Conn(SocketChannel channel, byte[] frame) {
            this.channel = channel;
            this.frame = frame;
            int framesAtOnce = open ? OPEN_LOOP_RING_FRAMES : config.depth() + 1;
            int copies = Math.max(1, Math.min(framesAtOnce, RING_BYTES / frame.length));
            if (copies == 1) {
                outgoing = ByteBuffer.wrap(frame);
            } else {
                byte[] ring = new byte[frame.length * copies];
                for (int i = 0; i < copies; i++) {
                    System.arraycopy(frame, 0, ring, i * frame.length, frame.length);
                }
                outgoing = ByteBuffer.wrap(ring);
            }
            queuedAt = new long[open ? 1 : config.depth()];
        }

        long dueNanos() {
            return schedule.intendedNanos(framesQueued);
        }

        /** Closed loop: {@code frames} more to send, queued now. */
        void queue(int frames, long now) {
            for (int i = 0; i < frames; i++) {
                queuedAt[(int) (framesQueued++ % queuedAt.length)] = now;
            }
            bytesToSend += (long) frames * frame.length;
            inFlight += frames;
        }

        /** Open loop: {@code frames} more of the schedule are due. */
        void owe(long frames) {
            framesQueued += frames;
            bytesToSend += frames * frame.length;
            inFlight += frames;
        }

        void flushOrFail() {
            try {
                flush();
            } catch (IOException e) {
                fail();
            }
        }

        void flush() throws IOException {
            while (bytesToSend > 0) {
                int offset = (int) (bytesSent % frame.length);
                int length = (int) Math.min(bytesToSend, outgoing.capacity() - offset);
                outgoing.limit(offset + length).position(offset);
                int n = channel.write(outgoing);
                if (n == 0) {
                    break;
                }
                bytesSent += n;
                bytesToSend -= n;
            }
            int ops = bytesToSend > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        void read() throws IOException {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                fail(); // the server closed a connection that still expected replies
                return;
            }
            bytesReceived += n;
            if (bytesReceived > bytesSent) {
                fail(); // more bytes back than were sent: a reply to nothing
                return;
            }
            byte[] bytes = readBuffer.array();
            long now = System.nanoTime();
            int at = 0;
            int replies = 0;
            while (at < n) {
                int chunk = Math.min(n - at, frame.length - replyOffset);
                if (Arrays.mismatch(bytes, at, at + chunk, frame, replyOffset, replyOffset + chunk) != -1) {
                    fail();
                    return;
                }
                at += chunk;
                replyOffset += chunk;
                if (replyOffset == frame.length) {
                    replyOffset = 0;
                    answered(now);
                    replies++;
                }
            }
            if (replies > 0 && !open && !draining) {
                queue(replies, now);
                flush();
            }
        }

        private void answered(long now) {
            long number = framesReceived++;
            inFlight--;
            long start = open ? schedule.intendedNanos(number) : queuedAt[(int) (number % queuedAt.length)];
            // Open loop: the frames meant to be sent in the window, however late their replies.
            // Closed loop: the replies that came back in the window.
            if (timeline.inWindow(open ? start : now)) {
                latencies.recordValue(Math.max(1, now - start));
            }
            if (timeline.inWindow(now)) {
                messages++;
            }
        }

        void fail() {
            if (channel.isOpen()) {
                errors++;
                inFlight -= framesQueued - framesReceived;
                closeQuietly(channel);
            }
        }
    }
}
