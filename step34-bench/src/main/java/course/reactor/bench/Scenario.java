package course.reactor.bench;

import course.reactor.bench.LoadGenerator.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One load shape: a scenario measured in rounds, or one point of a sweep ({@code point} names it,
 * {@code x} is where it goes on the sweep's chart). {@code offeredPerSecond} is the open loop's
 * rate over all connections.
 */
record Scenario(String name, String point, double x, Mode mode, int connections, int depth, int payloadBytes,
                double offeredPerSecond) {
    /** Measured in rounds, interleaved across servers. */
    static final List<String> CORE = List.of("lat", "pp", "pipe", "bulk", "pingpong", "c10k", "idle");
    /** One server process per server (and point, for threads), its points back to back. */
    static final List<String> SWEEPS = List.of("load", "conns", "size", "threads");
    static final List<String> NAMES = List.of("lat", "pp", "pipe", "bulk", "pingpong", "c10k", "idle", "load", "conns",
            "size", "threads");
    /** c10k: one frame a second from each connection. */
    static final int C10K_CONNECTIONS = 10_000;
    /** muduo's pingpong: 100 connections, each keeping one 16 KiB block going back and forth. */
    static final int PINGPONG_FRAME_BYTES = 16 * 1024;
    /** The size sweep keeps at most this much payload in flight per connection: 16 frames, fewer when they are big. */
    static final int SIZE_SWEEP_BYTES_IN_FLIGHT = 1 << 20;

    static Scenario core(String name, int idleConnections) {
        return switch (name) {
            case "lat" -> closed(name, 1, 1, 64);
            case "pp" -> closed(name, 50, 1, 64);
            case "pipe" -> closed(name, 50, 16, 64);
            case "bulk" -> closed(name, 4, 4, 64 * 1024);
            case "pingpong" -> closed(name, 100, 1, PINGPONG_FRAME_BYTES - Integer.BYTES);
            case "c10k" -> new Scenario(name, "", 0, Mode.OPEN, C10K_CONNECTIONS, 1, 64, C10K_CONNECTIONS);
            case "idle" -> new Scenario(name, "", 0, Mode.IDLE, idleConnections, 1, 0, Double.NaN);
            default -> throw new IllegalArgumentException("not a scenario measured in rounds: " + name);
        };
    }

    /** The points of a sweep; {@code ppReference} is the fastest closed-loop pp rate of the run (for load). */
    static List<Scenario> sweep(String name, BenchOptions options, double ppReference) {
        List<Scenario> points = new ArrayList<>();
        switch (name) {
            case "load" -> {
                for (int percent : options.loadLevels()) {
                    double rate = ppReference * percent / 100;
                    points.add(new Scenario(name, percent + "%", rate, Mode.OPEN, 50, 1, 64, rate));
                }
            }
            case "conns" -> {
                for (int connections : options.connectionCounts()) {
                    points.add(new Scenario(name, String.valueOf(connections), connections, Mode.CLOSED, connections, 1,
                            64, Double.NaN));
                }
            }
            case "size" -> {
                for (int bytes : options.payloadSizes()) {
                    int depth = Math.max(1, Math.min(16, SIZE_SWEEP_BYTES_IN_FLIGHT / Math.max(1, bytes)));
                    points.add(new Scenario(name, String.valueOf(bytes), bytes, Mode.CLOSED, 50, depth, bytes, Double.NaN));
                }
            }
            case "threads" -> {
                for (int threads : options.ioThreads()) {
                    points.add(new Scenario(name, String.valueOf(threads), threads, Mode.CLOSED, 50, 16, 64, Double.NaN));
                }
            }
            default -> throw new IllegalArgumentException("not a sweep: " + name);
        }
        return points;
    }

    private static Scenario closed(String name, int connections, int depth, int payloadBytes) {
        return new Scenario(name, "", 0, Mode.CLOSED, connections, depth, payloadBytes, Double.NaN);
    }

    /** The name of this shape in file names and tables: {@code pp}, {@code load-50%}. */
    String key() {
        return point.isEmpty() ? name : name + "-" + point;
    }

    boolean isSweep() {
        return SWEEPS.contains(name);
    }

    /** In words, for the report. */
    String describe() {
        if (mode == Mode.IDLE) {
            return String.format(Locale.ROOT, "%,d connections that never send", connections);
        }
        String shape = String.format(Locale.ROOT, "%,d connection%s, %s-byte payload", connections,
                connections == 1 ? "" : "s", String.format(Locale.ROOT, "%,d", payloadBytes));
        if (mode == Mode.OPEN) {
            return shape + String.format(Locale.ROOT, ", open loop: %,.0f msgs/s offered in all, each connection on"
                    + " its own schedule with a random phase", offeredPerSecond);
        }
        return shape + String.format(Locale.ROOT, ", closed loop, %d frame%s in flight per connection", depth,
                depth == 1 ? "" : "s");
    }
}
