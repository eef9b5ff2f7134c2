package course.reactor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * The load generator: C connections, each keeping D frames of S bytes in flight, over plain NIO
 * on one thread. Every reply is checked byte for byte against what was sent; a wrong byte or a
 * connection that closes is an error, counted, and that connection is dropped. The latency of
 * every frame, from the moment it is queued to send until its last reply byte is read, goes into
 * an HdrHistogram.
 *
 * <p>Closed loop: a connection sends its next frame only when a reply comes back (or, with an
 * interval, that long after). A server that stalls therefore also stalls the sending, and the
 * stall shows in one frame's latency instead of in every frame that would have been sent
 * meanwhile (coordinated omission); the README says what that means for the percentiles.
 */
public final class LoadGenerator {
    /** What to run. {@code interval} zero: send the next frame as soon as a reply arrives. */
    public record Config(String host, int port, int connections, int depth, int payloadBytes,
                         Duration warmup, Duration duration, Duration interval) {
    }

    /** What one run measured, over the measured part only (not the warm-up). */
    public record Result(long messages, double seconds, long errors, int connectionsHeld,
                         double p50Micros, double p99Micros, double p999Micros, int frameBytes) {
        public double msgsPerSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return messages * (double) frameBytes / seconds / 1e6;
        }

        /** The machine-readable line, one per run. */
        public String line() {
            return String.format(Locale.ROOT,
                    "RESULT msgs_per_s=%.0f mb_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f errors=%d connections=%d",
                    msgsPerSecond(), megabytesPerSecond(), p50Micros, p99Micros, p999Micros, errors, connectionsHeld);
        }
    }

    private final Config config;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    /** Connections waiting for their interval to pass before the next send, in due order. */
    private final ArrayDeque<Conn> waiting = new ArrayDeque<>();
    private final Histogram latencies = new Histogram(1, Duration.ofMinutes(1).toNanos(), 3);
    private boolean measuring;
    private long messages;
    private long errors;

    private LoadGenerator(Config config) throws IOException {
        this.config = config;
        this.selector = Selector.open();
    }

    /** Connects, runs the warm-up and the measured part, closes everything, and reports. */
    public static Result run(Config config) throws IOException {
        return run(config, () -> { });
    }

    /** Likewise, calling {@code atMeasureStart} when the warm-up ends (to sample the server's CPU time). */
    public static Result run(Config config, Runnable atMeasureStart) throws IOException {
        LoadGenerator generator = new LoadGenerator(config);
        try {
            return generator.runAll(atMeasureStart);
        } finally {
            generator.close();
        }
    }

    private Result runAll(Runnable atMeasureStart) throws IOException {
        connectAll();
        for (Conn conn : conns) {
            conn.queue(config.depth(), System.nanoTime());
            conn.write();
        }
        loopUntil(System.nanoTime() + config.warmup().toNanos());
        atMeasureStart.run();
        measuring = true;
        latencies.reset();
        messages = 0;
        long start = System.nanoTime();
        loopUntil(start + config.duration().toNanos());
        double seconds = (System.nanoTime() - start) / 1e9;
        int held = (int) conns.stream().filter(conn -> conn.channel.isOpen()).count();
        return new Result(messages, seconds, errors, held,
                latencies.getValueAtPercentile(50) / 1e3, latencies.getValueAtPercentile(99) / 1e3,
                latencies.getValueAtPercentile(99.9) / 1e3, Integer.BYTES + config.payloadBytes());
    }

    private void connectAll() {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        for (int i = 0; i < config.connections(); i++) {
            try {
                SocketChannel channel = SocketChannel.open(address); // blocking connect: simple, and fast on loopback
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                Conn conn = new Conn(channel, frame(config.payloadBytes(), i));
                conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
                conns.add(conn);
            } catch (IOException e) {
                errors++;
            }
        }
    }

    private void loopUntil(long endNanos) throws IOException {
        while (true) {
            long now = System.nanoTime();
            if (now >= endNanos) {
                return;
            }
            long sleepMillis = Math.max(1, (endNanos - now) / 1_000_000);
            if (!waiting.isEmpty()) {
                sleepMillis = Math.max(1, Math.min(sleepMillis, (waiting.peekFirst().dueNanos - now) / 1_000_000));
            }
            selector.select(this::handle, sleepMillis);
            sendDue(System.nanoTime());
        }
    }

    private void handle(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isReadable()) {
                conn.read();
            }
            if (key.isValid() && key.isWritable()) {
                conn.write();
            }
        } catch (IOException e) {
            conn.fail();
        }
    }

    private void sendDue(long now) {
        while (!waiting.isEmpty() && waiting.peekFirst().dueNanos <= now) {
            Conn conn = waiting.pollFirst();
            conn.queue(1, now);
            try {
                conn.write();
            } catch (IOException e) {
                conn.fail();
            }
        }
    }

    private void close() throws IOException {
        for (Conn conn : conns) {
            conn.channel.close();
        }
        selector.close();
    }

    /** Header plus a payload that differs per connection, so a reply sent to the wrong client is caught. */
    static byte[] frame(int payloadBytes, long seed) {
        byte[] frame = new byte[Integer.BYTES + payloadBytes];
        ByteBuffer.wrap(frame).putInt(payloadBytes);
        byte[] payload = new byte[payloadBytes];
        new Random(seed).nextBytes(payload);
        System.arraycopy(payload, 0, frame, Integer.BYTES, payloadBytes);
        return frame;
    }

    /** One connection: what it owes the server, and what it expects back. */
    private final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        final byte[] frame;
        /** depth + 1 copies of the frame: any run of up to depth frames, from any offset, is one slice. */
        final ByteBuffer outgoing;
        final ByteBuffer incoming;
        /** When each frame in flight was queued, by its number modulo depth. */
        final long[] queuedAt = new long[config.depth()];
        long framesQueued;
        long framesReceived;
        long bytesToSend;
        long bytesSent;
        /** How far into the expected reply frame the bytes read so far reach. */
        int replyOffset;
        long dueNanos;

        Conn(SocketChannel channel, byte[] frame) {
            this.channel = channel;
            this.frame = frame;
            byte[] copies = new byte[frame.length * (config.depth() + 1)];
            for (int i = 0; i <= config.depth(); i++) {
                System.arraycopy(frame, 0, copies, i * frame.length, frame.length);
            }
            outgoing = ByteBuffer.wrap(copies);
            incoming = ByteBuffer.allocate(Math.max(64 * 1024, frame.length));
        }

        void queue(int frames, long now) {
            for (int i = 0; i < frames; i++) {
                queuedAt[(int) (framesQueued++ % queuedAt.length)] = now;
            }
            bytesToSend += (long) frames * frame.length;
        }

        void write() throws IOException {
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
            incoming.clear();
            int n = channel.read(incoming);
            if (n < 0) {
                fail(); // the server closed a connection that still expected replies
                return;
            }
            byte[] bytes = incoming.array();
            int at = 0;
            long now = System.nanoTime();
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
                    long latency = now - queuedAt[(int) (framesReceived++ % queuedAt.length)];
                    if (measuring) {
                        latencies.recordValue(Math.max(1, latency));
                        messages++;
                    }
                    replies++;
                }
            }
            if (replies == 0) {
                return;
            }
            if (config.interval().isZero()) {
                queue(replies, now);
                write();
            } else if (framesQueued - framesReceived == 0) {
                dueNanos = now + config.interval().toNanos();
                waiting.addLast(this);
            }
        }

        void fail() {
            if (channel.isOpen()) {
                errors++;
                try {
                    channel.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }
        }
    }

    /** {@code HOST PORT [--connections C] [--depth D] [--size S] [--warmup SEC] [--duration SEC] [--interval-ms N]} */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: LoadGenerator HOST PORT [--connections C] [--depth D] [--size BYTES]"
                    + " [--warmup SEC] [--duration SEC] [--interval-ms N]");
            System.exit(2);
        }
        int connections = 1;
        int depth = 1;
        int size = 64;
        double warmup = 2;
        double duration = 5;
        long intervalMillis = 0;
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--depth" -> depth = Integer.parseInt(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--duration" -> duration = Double.parseDouble(args[i + 1]);
                case "--interval-ms" -> intervalMillis = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Config config = new Config(args[0], Integer.parseInt(args[1]), connections, depth, size,
                seconds(warmup), seconds(duration), Duration.ofMillis(intervalMillis));
        System.out.println(run(config).line());
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
