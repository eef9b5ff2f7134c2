package course.reactor.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The load generator: C connections spread over T threads ({@link GeneratorLoop}s), each thread
 * on its own Selector, in one of two shapes.
 *
 * <p><b>Closed loop</b> (wrk, most benchmarks): each connection keeps D frames in flight and sends
 * the next one when a reply comes back. Throughput is as much as the server gives; the latency is
 * the round trip at that throughput (Little's law: in-flight frames / throughput), so it restates
 * the throughput. When the server stalls, sending stalls too, and only the frames in flight see
 * the stall: coordinated omission.
 *
 * <p><b>Open loop</b> (wrk2): each connection sends on a fixed schedule, with a random start phase,
 * whatever the replies do; latency runs from the intended send time, so a stall is charged to
 * every frame that should have been sent during it. This measures latency at a given offered
 * load, the question a service with many independent clients asks.
 *
 * <p>After the warm-up and the measured window the generator stops sending and drains: replies
 * still owed after the drain deadline are errors. One {@code RESULT} line per run from the command line.
 */
public final class LoadGenerator {
    /** How the connections send: see the class comment. IDLE connects and sends nothing. */
    public enum Mode {
        CLOSED, OPEN, IDLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What to run. {@code offeredPerSecond} is the open loop's rate over all connections. */
    public record Config(String host, int port, Mode mode, int connections, int depth, int payloadBytes,
                         double offeredPerSecond, Duration warmup, Duration duration, Duration drain, int threads) {
        /** A server that has not answered this long after the window is not going to. */
        static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);

        public Config {
            if (connections < 1 || depth < 1 || payloadBytes < 0 || threads < 1) {
                throw new IllegalArgumentException("connections, depth and threads must be at least 1, payload at least 0");
            }
            if (mode == Mode.OPEN && !(offeredPerSecond > 0)) {
                throw new IllegalArgumentException("an open loop needs a positive rate, not " + offeredPerSecond);
            }
        }

        static Config closed(String host, int port, int connections, int depth, int payloadBytes,
                             Duration warmup, Duration duration) {
            return new Config(host, port, Mode.CLOSED, connections, depth, payloadBytes, Double.NaN, warmup, duration,
                    DEFAULT_DRAIN, 1);
        }

        static Config open(String host, int port, int connections, int payloadBytes, double offeredPerSecond,
                           Duration warmup, Duration duration) {
            return new Config(host, port, Mode.OPEN, connections, 1, payloadBytes, offeredPerSecond, warmup, duration,
                    DEFAULT_DRAIN, 1);
        }

        static Config idle(String host, int port, int connections) {
            return new Config(host, port, Mode.IDLE, connections, 1, 0, Double.NaN, Duration.ZERO, Duration.ZERO,
                    Duration.ZERO, 1);
        }

        Config withThreads(int count) {
            return new Config(host, port, mode, connections, depth, payloadBytes, offeredPerSecond, warmup, duration, drain, count);
        }

        Config withDrain(Duration time) {
            return new Config(host, port, mode, connections, depth, payloadBytes, offeredPerSecond, warmup, duration, time, threads);
        }

        int frameBytes() {
            return Integer.BYTES + payloadBytes;
        }
    }

    /**
     * What one run measured over its window: replies received in it, the latency histogram (all
     * threads merged, nanoseconds), connections lost ({@code errors}: refused, closed by the
     * server, a wrong byte, or silent at the drain deadline) and frames never answered.
     */
    public record Result(Mode mode, long messages, double seconds, long errors, long unanswered, int connectionsHeld,
                         Histogram latencies, int frameBytes, double offeredPerSecond, double generatorCpuSeconds) {
        public double msgsPerSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return messages * (double) frameBytes / seconds / 1e6;
        }

        public double p50Micros() {
            return Histograms.micros(latencies, 50);
        }

        public double p99Micros() {
            return Histograms.micros(latencies, 99);
        }

        public double p999Micros() {
            return Histograms.micros(latencies, 99.9);
        }

        public double maxMicros() {
            return Histograms.maxMicros(latencies);
        }

        /** The machine-readable line, one per run. */
        public String line() {
            return String.format(Locale.ROOT,
                    "RESULT mode=%s msgs_per_s=%.0f mb_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f"
                            + " errors=%d unanswered=%d connections=%d",
                    mode.label(), msgsPerSecond(), megabytesPerSecond(), p50Micros(), p99Micros(), p999Micros(),
                    maxMicros(), errors, unanswered, connectionsHeld);
        }
    }

    /** What the caller does at the run's milestones, on the calling thread, while the connections are open. */
    public interface Probe {
        /** Every connection is open (those that could be); nothing has been sent yet. */
        default void connected(int connections) throws IOException {
        }

        /** The warm-up is over; the measured window begins. */
        default void atMeasureStart() {
        }

        /** The measured window is over; the load goes on until {@link #underLoad} returns. */
        default void atMeasureEnd() {
        }

        /** After the window, under the same load (not measured): for probes that take time, as a heap dump does. */
        default void underLoad() throws IOException {
        }
    }

    private static final OperatingSystemMXBean OS = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    private LoadGenerator() {
    }

    public static Result run(Config config) throws IOException {
        return run(config, new Probe() { });
    }

    /** Connects, calls the probe, runs warm-up, window and drain, closes everything, and reports. */
    public static Result run(Config config, Probe probe) throws IOException {
        int threads = Math.min(config.threads(), config.connections());
        List<GeneratorLoop> loops = new ArrayList<>();
        try {
            for (int i = 0, first = 0; i < threads; i++) {
                int share = config.connections() / threads + (i < config.connections() % threads ? 1 : 0);
                loops.add(new GeneratorLoop(config, first, share, new Random(config.port() * 31L + i)));
                first += share;
            }
            inThreads(loops, "connect", loop -> loop.connect());
            probe.connected(loops.stream().mapToInt(GeneratorLoop::held).sum());
            if (config.mode() == Mode.IDLE) {
                return result(config, loops, 0);
            }
            long start = System.nanoTime();
            GeneratorLoop.Timeline timeline = new GeneratorLoop.Timeline(start, start + config.warmup().toNanos(),
                    start + config.warmup().toNanos() + config.duration().toNanos());
            List<Worker> running = start(loops, "load-generator", loop -> loop.run(timeline));
            double cpuSeconds;
            try {
                parkUntil(timeline.measureStart());
                long cpuAtStart = OS.getProcessCpuTime();
                probe.atMeasureStart();
                parkUntil(timeline.measureEnd());
                cpuSeconds = (OS.getProcessCpuTime() - cpuAtStart) / 1e9;
                probe.atMeasureEnd();
                probe.underLoad();
            } finally {
                long now = System.nanoTime();
                for (GeneratorLoop loop : loops) {
                    loop.stop(now);
                }
                join(running);
            }
            return result(config, loops, cpuSeconds);
        } finally {
            for (GeneratorLoop loop : loops) {
                loop.close();
            }
        }
    }

    private static Result result(Config config, List<GeneratorLoop> loops, double generatorCpuSeconds) {
        List<Histogram> parts = new ArrayList<>();
        long messages = 0;
        long errors = 0;
        long unanswered = 0;
        int held = 0;
        for (GeneratorLoop loop : loops) {
            parts.add(loop.latencies());
            messages += loop.messages();
            errors += loop.errors();
            unanswered += loop.unanswered();
            held += loop.held();
        }
        return new Result(config.mode(), messages, config.duration().toNanos() / 1e9, errors, unanswered, held,
                Histograms.merge(parts), config.frameBytes(), config.offeredPerSecond(), generatorCpuSeconds);
    }

    private static void parkUntil(long deadlineNanos) {
        for (long left = deadlineNanos - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
             left = deadlineNanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** What a generator thread does with its loop. */
    private interface LoopTask {
        void run(GeneratorLoop loop) throws IOException;
    }

    /** A generator thread, and what went wrong in it, if anything. */
    private static final class Worker extends Thread {
        private final GeneratorLoop loop;
        private final LoopTask task;
        private IOException failure; // read after join(), which makes it visible

        Worker(String name, GeneratorLoop loop, LoopTask task) {
            super(name);
            setDaemon(true);
            this.loop = loop;
            this.task = task;
        }

        @Override
        public void run() {
            try {
                task.run(loop);
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    private static List<Worker> start(List<GeneratorLoop> loops, String name, LoopTask task) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            Worker worker = new Worker(name + "-" + i, loops.get(i), task);
            worker.start();
            workers.add(worker);
        }
        return workers;
    }

    private static void inThreads(List<GeneratorLoop> loops, String name, LoopTask task) throws IOException {
        join(start(loops, name, task));
    }

    /** Waits for every worker (each ends by its drain deadline) and passes on the first failure. */
    private static void join(List<Worker> workers) throws IOException {
        boolean interrupted = false;
        for (Worker worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the workers end on their own deadlines: wait for them anyway
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Worker worker : workers) {
            if (worker.failure != null) {
                throw worker.failure;
            }
        }
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

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    static final String USAGE = "usage: LoadGenerator HOST PORT [--connections C] [--depth D] [--size BYTES]"
            + " [--open MSGS_PER_S] [--threads T] [--warmup SEC] [--duration SEC] [--drain SEC]";

    /** The generator on its own, against a server started by hand; prints one RESULT line. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length % 2 != 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        int connections = 1;
        int depth = 1;
        int size = 64;
        double open = 0;
        int threads = 1;
        double warmup = 2;
        double duration = 5;
        double drain = Config.DEFAULT_DRAIN.toMillis() / 1e3;
        for (int i = 2; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(value);
                case "--depth" -> depth = Integer.parseInt(value);
                case "--size" -> size = Integer.parseInt(value);
                case "--open" -> open = Double.parseDouble(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--duration" -> duration = Double.parseDouble(value);
                case "--drain" -> drain = Double.parseDouble(value);
                default -> {
                    System.err.println("error: unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Config config = open > 0
                ? Config.open(host, port, connections, size, open, seconds(warmup), seconds(duration))
                : Config.closed(host, port, connections, depth, size, seconds(warmup), seconds(duration));
        System.out.println(run(config.withThreads(threads).withDrain(seconds(drain))).line());
    }
}
