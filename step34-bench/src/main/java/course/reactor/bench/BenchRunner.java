package course.reactor.bench;

import course.reactor.bench.LoadGenerator.Mode;
import course.reactor.bench.LoadGenerator.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ./lesson bench}: starts every server under test as its own process, pinned to its own
 * core, drives it with the LoadGenerator in this process (pinned to the cores below), and writes
 * results.csv, the merged histograms as .hgrm files, report.md and the charts.
 *
 * <p>The scenarios run in rounds, interleaved (round 1 of every server, then round 2, each round in
 * a new order), each run on a fresh server process, so that drift in the machine hits all servers
 * alike. Then the sweeps: one server process per server, warmed up once, its points back to back.
 */
public final class BenchRunner {
    /**
     * What a run costs besides its windows, for the plan printed at the start: measured on this
     * course's 2-core machine while other work was running, so a quiet machine finishes earlier.
     */
    static final double START_STOP_SECONDS = 1.0;
    static final double POINT_SECONDS = 0.8;
    static final double JCMD_SECONDS = 1.0;
    /** Opening and, at the end, closing a connection. */
    static final double CONNECT_SECONDS_PER_CONNECTION = 2.0 / 10_000;
    /** How long a server may take to accept, or to close, 10,000 connections. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private BenchRunner() {
    }

    public static void main(String[] args) throws Exception {
        boolean listSteps = Arrays.asList(args).contains("--list-steps");
        if (Arrays.asList(args).contains("--help")) {
            if (!listSteps) {
                System.out.println(BenchOptions.USAGE);
            }
            return;
        }
        if (listSteps) {
            args = Arrays.stream(args).filter(arg -> !arg.equals("--list-steps")).toArray(String[]::new);
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (listSteps) { // for ./lesson bench: which jars to build
            System.out.println(options.jarsNeeded().stream().map(String::valueOf).collect(Collectors.joining(" ")));
            return;
        }
        long start = System.nanoTime();
        Results results = run(options);
        Report.write(options, results, Duration.ofNanos(System.nanoTime() - start));
        System.out.println("wrote " + options.out().resolve("report.md"));
    }

    static Results run(BenchOptions options) throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        Results results = new Results();
        results.servers.addAll(ServerCatalog.servers(options, note -> {
            System.out.println(note);
            results.notes.add(note);
        }));
        List<Server> threadServers = new ArrayList<>();
        if (options.scenarios().contains("threads")) {
            for (int threads : options.ioThreads()) {
                if (options.firstServerCpu() + threads > Proc.machineCpus()) {
                    note(results, "threads sweep: " + threads + " IO threads left out, " + Proc.machineCpus()
                            + " CPUs leave " + (Proc.machineCpus() - options.firstServerCpu()) + " for the server");
                } else {
                    threadServers.add(ServerCatalog.finalWithIoThreads(options, threads));
                }
            }
        }
        probeJvms(results, results.servers);
        probeJvms(results, threadServers);
        Progress progress = new Progress(plannedRuns(options, results.servers.size(), threadServers.size()));
        System.out.printf(Locale.ROOT, "%d servers; planned: about %.0f min%n", results.servers.size(),
                plannedSeconds(options, results.servers.size(), threadServers.size()) / 60);

        List<String> core = options.scenarios().stream().filter(Scenario.CORE::contains).toList();
        boolean idleWithC10k = idleWithC10k(options);
        for (int round = 1; round <= options.rounds(); round++) {
            for (String name : core) {
                if (name.equals("idle") && (idleWithC10k || round > 1)) {
                    continue; // memory is measured in round 1 only, with c10k on the same connections if both run
                }
                Scenario scenario = Scenario.core(name, options.idleConnections());
                for (Server server : rotated(results.servers, round)) {
                    progress.next(round, scenario.key(), server.name());
                    measureCore(server, scenario, round, options, results, idleWithC10k);
                }
            }
        }
        for (String sweep : List.of("load", "conns", "size")) {
            if (!options.scenarios().contains(sweep)) {
                continue;
            }
            if (sweep.equals("load") && !setLoadReference(results)) {
                continue;
            }
            List<Scenario> points = Scenario.sweep(sweep, options, results.loadReference);
            for (int round = 1; round <= options.sweepRounds(); round++) {
                for (Server server : rotated(results.servers, round)) {
                    measureSweep(server, points, round, options, results, progress);
                }
            }
        }
        if (!threadServers.isEmpty()) {
            List<Scenario> points = Scenario.sweep("threads", options, Double.NaN);
            for (int round = 1; round <= options.sweepRounds(); round++) {
                for (int i = 0; i < threadServers.size(); i++) {
                    Scenario point = points.get(options.ioThreads().indexOf(threadServers.get(i).cores()));
                    measureSweep(threadServers.get(i), List.of(point), round, options, results, progress);
                }
            }
        }
        return results;
    }

    /** idle and c10k on the same 10,000 connections: memory first while they are idle, then while they echo. */
    static boolean idleWithC10k(BenchOptions options) {
        return options.scenarios().contains("idle") && options.scenarios().contains("c10k")
                && options.idleConnections() == Scenario.C10K_CONNECTIONS;
    }

    /** Asks each distinct launcher (taskset, java, flags) once: the same launcher makes the same choices. */
    private static void probeJvms(Results results, List<Server> servers) {
        Map<List<String>, JvmInfo> byLauncher = new HashMap<>();
        for (Server server : servers) {
            if (server.jvm()) {
                try {
                    JvmInfo info = byLauncher.get(server.launcher());
                    if (info == null) {
                        info = JvmInfo.probe(server);
                        byLauncher.put(server.launcher(), info);
                    }
                    results.jvms.put(jvmKey(server), info);
                } catch (IOException e) {
                    note(results, server.name() + ": could not ask its JVM what it chose (" + e.getMessage() + ")");
                }
            }
        }
    }

    static String jvmKey(Server server) {
        return server.cores() == 1 ? server.name() : server.name() + " on " + server.cores() + " cores";
    }

    /** The load sweep's 100 %: the fastest server's mean closed-loop pp rate in this run. */
    private static boolean setLoadReference(Results results) {
        Summary fastest = null;
        for (Summary summary : Summary.of(results).getOrDefault("pp", Map.of()).values()) {
            if (fastest == null || summary.mean(Row::msgsPerSecond) > fastest.mean(Row::msgsPerSecond)) {
                fastest = summary;
            }
        }
        if (fastest == null || !(fastest.mean(Row::msgsPerSecond) > 0)) {
            note(results, "load sweep left out: no pp rate was measured to set its levels");
            return false;
        }
        results.loadReference = fastest.mean(Row::msgsPerSecond);
        results.loadReferenceServer = fastest.server();
        System.out.printf(Locale.ROOT, "load sweep: 100%% = %,.0f msgs/s, the pp rate of %s%n", results.loadReference,
                fastest.server());
        return true;
    }

    /** Round r starts with a different server, so that no server always runs first (or last). */
    static List<Server> rotated(List<Server> servers, int round) {
        List<Server> order = new ArrayList<>();
        for (int s = 0; s < servers.size(); s++) {
            order.add(servers.get((s + round - 1) % servers.size()));
        }
        return order;
    }

    /**
     * One scenario run on a fresh server process. Memory (idle, and c10k's active figures) is
     * measured in round 1 only: the heap needs a full GC each time, slow with 10,000 connections,
     * and it does not drift the way throughput does.
     */
    private static void measureCore(Server server, Scenario scenario, int round, BenchOptions options, Results results,
                                    boolean withIdle) throws InterruptedException {
        try (RunningServer running = RunningServer.start(server, options.out().resolve("logs"))) {
            if (scenario.mode() == Mode.IDLE) {
                measureMemory(running, scenario, null, round, options, results);
            } else if (scenario.name().equals("c10k") && round == 1) {
                measureMemory(running, withIdle ? Scenario.core("idle", options.idleConnections()) : null, scenario,
                        round, options, results);
            } else {
                measure(running, scenario, round, options.warmup(), options.duration(), options, results);
            }
        } catch (IOException | RuntimeException e) {
            failed(results, server, scenario, e);
        }
    }

    /** A sweep's points on one server process: warmed up once, each point settles, then is measured. */
    private static void measureSweep(Server server, List<Scenario> points, int round, BenchOptions options,
                                     Results results, Progress progress) throws InterruptedException {
        try (RunningServer running = RunningServer.start(server, options.out().resolve("logs"))) {
            Duration warmup = options.sweepWarmup();
            for (Scenario point : points) {
                progress.next(round, point.key(), server.name());
                running.awaitConnections(count -> count == 0, SETTLE_TIMEOUT); // the last point's connections are closed
                measure(running, point, round, warmup, options.sweepDuration(), options, results);
                warmup = options.sweepSettle();
            }
        } catch (IOException | RuntimeException e) {
            failed(results, server, points.get(0), e);
        }
    }

    private static void failed(Results results, Server server, Scenario scenario, Exception e) {
        note(results, server.name() + " in " + scenario.key() + " failed: " + e);
    }

    private static void note(Results results, String note) {
        System.out.println(note);
        results.notes.add(note);
    }

    /** One closed- or open-loop run against a running server. */
    private static void measure(RunningServer running, Scenario scenario, int round, Duration warmup, Duration duration,
                                BenchOptions options, Results results) throws IOException {
        ServerProbe probe = new ServerProbe(running, false, false);
        Result result = LoadGenerator.run(config(running, scenario, warmup, duration, options), probe);
        Row row = row(running.server, scenario, round, result, probe, options, null, null);
        results.add(row, result.latencies());
        System.out.println(summary(row));
    }

    /**
     * Memory per connection: the server's heap after a full GC, its RSS, its connections and the
     * kernel's socket memory, before the connections and after they are all accepted ({@code idle});
     * then, with {@code active} (c10k), the same connections on an open-loop schedule, measured like
     * any run, and the memory again while they echo.
     */
    private static void measureMemory(RunningServer running, Scenario idle, Scenario active, int round,
                                      BenchOptions options, Results results) throws IOException {
        Memory before = Memory.of(running);
        ServerProbe probe = new ServerProbe(running, idle != null, active != null);
        LoadGenerator.Config config = active != null
                ? config(running, active, options.warmup(), options.duration(), options)
                : LoadGenerator.Config.idle(ServerCatalog.HOST, running.port, idle.connections())
                        .withThreads(options.generatorThreads());
        Result result = LoadGenerator.run(config, probe);
        List<String> said = new ArrayList<>();
        if (idle != null) {
            Row row = idleRow(running.server, idle, round, probe.held, before, probe.idle);
            results.add(row, null);
            said.add("idle: " + summary(row));
        }
        if (active != null) {
            Row row = row(running.server, active, round, result, probe, options, before, probe.active);
            results.add(row, result.latencies());
            said.add(summary(row));
        }
        System.out.println(String.join("; ", said));
    }

    private static LoadGenerator.Config config(RunningServer running, Scenario scenario, Duration warmup, Duration duration,
                                               BenchOptions options) {
        LoadGenerator.Config config = scenario.mode() == Mode.OPEN
                ? LoadGenerator.Config.open(ServerCatalog.HOST, running.port, scenario.connections(), scenario.payloadBytes(),
                        scenario.offeredPerSecond(), warmup, duration)
                : LoadGenerator.Config.closed(ServerCatalog.HOST, running.port, scenario.connections(), scenario.depth(),
                        scenario.payloadBytes(), warmup, duration);
        return config.withThreads(options.generatorThreads()).withDrain(options.drain());
    }

    /** What the runner samples of the server at the generator's milestones. */
    private static final class ServerProbe implements LoadGenerator.Probe {
        private final RunningServer running;
        private final boolean idleMemory;
        private final boolean activeMemory;
        long ticksAtStart;
        long ticksAtEnd;
        int connectionsAtEnd = -1;
        long rssAtEnd = -1;
        int held;
        Memory idle;
        Memory active;

        ServerProbe(RunningServer running, boolean idleMemory, boolean activeMemory) {
            this.running = running;
            this.idleMemory = idleMemory;
            this.activeMemory = activeMemory;
        }

        /**
         * Waits until the server holds every connection: past its accept backlog, a connection the
         * client sees as open may still wait for the kernel to retry the handshake, and sending on
         * it would charge that wait to the server.
         */
        @Override
        public void connected(int connections) throws IOException {
            held = connections;
            running.awaitConnections(count -> count >= connections, SETTLE_TIMEOUT);
            if (idleMemory) {
                idle = Memory.of(running);
            }
        }

        @Override
        public void atMeasureStart() {
            ticksAtStart = running.cpuTicks();
        }

        @Override
        public void atMeasureEnd() {
            ticksAtEnd = running.cpuTicks();
            connectionsAtEnd = running.connections();
            rssAtEnd = running.rssBytes();
        }

        @Override
        public void underLoad() throws IOException {
            if (activeMemory) {
                active = Memory.of(running);
            }
        }
    }

    /** The server's and the kernel's memory at one moment. */
    record Memory(long heapBytes, long rssBytes, int connections, Proc.SockStat kernel, long slabBytes) {
        static Memory of(RunningServer running) throws IOException {
            long heap = running.heapAfterGc(); // first: the GC it forces may hand memory back
            return new Memory(heap, running.rssBytes(), running.connections(), Proc.SockStat.read(),
                    Proc.slabUnreclaimableBytes());
        }
    }

    private static double perConnection(long before, long after, int connections) {
        return before < 0 || after < 0 || connections <= 0 ? Double.NaN : (after - before) / (double) connections;
    }

    private static Row row(Server server, Scenario scenario, int round, Result result, ServerProbe probe,
                           BenchOptions options, Memory before, Memory after) {
        double seconds = result.seconds();
        double serverCpu = (probe.ticksAtEnd - probe.ticksAtStart) / (double) Proc.CLOCK_TICKS;
        long messages = result.messages();
        int held = result.connectionsHeld();
        boolean memory = before != null && after != null;
        return new Row(server.name(), server.lesson(), scenario.name(), scenario.point(), scenario.mode().label(), round,
                scenario.connections(), scenario.depth(), scenario.payloadBytes(), scenario.offeredPerSecond(),
                result.msgsPerSecond(), result.megabytesPerSecond(), result.p50Micros(), result.p99Micros(),
                result.p999Micros(), result.maxMicros(), result.errors(), result.unanswered(),
                messages == 0 ? Double.NaN : serverCpu * 1e6 / messages, serverCpu / seconds / server.cores(),
                messages == 0 ? Double.NaN : result.generatorCpuSeconds() * 1e6 / messages,
                result.generatorCpuSeconds() / seconds / options.generatorThreads(), options.generatorThreads(),
                probe.connectionsAtEnd, probe.rssAtEnd,
                memory ? after.heapBytes() : -1,
                memory ? perConnection(before.heapBytes(), after.heapBytes(), held) : Double.NaN,
                memory ? perConnection(before.rssBytes(), after.rssBytes(), held) : Double.NaN,
                memory ? perConnection(before.kernel().memoryBytes(), after.kernel().memoryBytes(), held) : Double.NaN,
                memory ? perConnection(before.slabBytes(), after.slabBytes(), held) : Double.NaN, seconds);
    }

    private static Row idleRow(Server server, Scenario idle, int round, int held, Memory before, Memory after) {
        return new Row(server.name(), server.lesson(), idle.name(), "", Mode.IDLE.label(), round, idle.connections(), 0, 0,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                idle.connections() - held, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1,
                after.connections(), after.rssBytes(), after.heapBytes(),
                perConnection(before.heapBytes(), after.heapBytes(), held),
                perConnection(before.rssBytes(), after.rssBytes(), held),
                perConnection(before.kernel().memoryBytes(), after.kernel().memoryBytes(), held),
                perConnection(before.slabBytes(), after.slabBytes(), held), Double.NaN);
    }

    private static String summary(Row row) {
        if (row.mode().equals("idle")) {
            return String.format(Locale.ROOT, "%d held by the server, heap %s B/conn, rss %.0f B/conn, errors %d",
                    row.serverConnections(), Double.isNaN(row.heapBytesPerConnection()) ? "-"
                            : String.format(Locale.ROOT, "%.0f", row.heapBytesPerConnection()),
                    row.rssBytesPerConnection(), row.errors());
        }
        return String.format(Locale.ROOT, "%,.0f msgs/s  p50 %.0f us  p99 %.0f us  server %.2f us/msg (core %.2f)"
                        + "  gen core %.2f  errors %d%s", row.msgsPerSecond(), row.p50Micros(), row.p99Micros(),
                row.serverCpuMicrosPerMessage(), row.serverCoreUse(), row.generatorCoreUse(), row.errors(),
                row.unanswered() > 0 ? " (" + row.unanswered() + " frames unanswered)" : "");
    }

    /** How many runs the progress counter counts: every scenario run and every sweep point. */
    static int plannedRuns(BenchOptions options, int servers, int threadServers) {
        int runs = 0;
        for (String name : options.scenarios()) {
            switch (name) {
                case "idle" -> runs += idleWithC10k(options) ? 0 : servers;
                case "load" -> runs += options.sweepRounds() * servers * options.loadLevels().size();
                case "conns" -> runs += options.sweepRounds() * servers * options.connectionCounts().size();
                case "size" -> runs += options.sweepRounds() * servers * options.payloadSizes().size();
                case "threads" -> runs += options.sweepRounds() * threadServers;
                default -> runs += options.rounds() * servers;
            }
        }
        return runs;
    }

    /** The run's expected length, from its windows and the costs measured around them: printed at the start. */
    static double plannedSeconds(BenchOptions options, int servers, int threadServers) {
        double run = START_STOP_SECONDS + seconds(options.warmup()) + seconds(options.duration());
        double sweepStart = START_STOP_SECONDS + seconds(options.sweepWarmup()) - seconds(options.sweepSettle());
        double sweepPoint = POINT_SECONDS + seconds(options.sweepSettle()) + seconds(options.sweepDuration());
        double total = 0;
        for (String name : options.scenarios()) {
            double each = switch (name) {
                case "c10k" -> options.rounds() * (run + Scenario.C10K_CONNECTIONS * CONNECT_SECONDS_PER_CONNECTION)
                        + JCMD_SECONDS * (idleWithC10k(options) ? 3 : 2);
                case "idle" -> idleWithC10k(options) ? 0 : (START_STOP_SECONDS + 2 * JCMD_SECONDS
                        + options.idleConnections() * CONNECT_SECONDS_PER_CONNECTION);
                case "load" -> options.sweepRounds() * (sweepStart + options.loadLevels().size() * sweepPoint);
                case "conns" -> options.sweepRounds() * (sweepStart + options.connectionCounts().size() * sweepPoint
                        + options.connectionCounts().stream().mapToInt(Integer::intValue).sum() * CONNECT_SECONDS_PER_CONNECTION);
                case "size" -> options.sweepRounds() * (sweepStart + options.payloadSizes().size() * sweepPoint);
                case "threads" -> 0;
                default -> options.rounds() * run;
            };
            total += each * servers;
        }
        total += options.sweepRounds() * threadServers * (sweepStart + sweepPoint);
        return total;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** The {@code [12/345 3:07] round 1  pp  final} prefix of each progress line: runs done, minutes so far. */
    private static final class Progress {
        private final int total;
        private final long start = System.nanoTime();
        private int done;

        Progress(int total) {
            this.total = total;
        }

        void next(int round, String scenario, String server) {
            done++;
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            System.out.printf(Locale.ROOT, "[%d/%d %d:%02d] round %d  %-10s %-13s ", done, total, seconds / 60, seconds % 60,
                    round, scenario, server);
            System.out.flush();
        }
    }
}
