package course.reactor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Everything a benchmark run is told, parsed from the command line of {@code ./lesson bench}. */
record BenchOptions(List<Integer> steps, List<String> peers, List<String> scenarios, int rounds, int sweepRounds,
                    Duration warmup, Duration duration, Duration sweepWarmup, Duration sweepSettle,
                    Duration sweepDuration, Duration drain, int idleConnections, List<Integer> loadLevels,
                    List<Integer> connectionCounts, List<Integer> payloadSizes, List<Integer> ioThreads,
                    int generatorThreads, Path jdk21, Path out, Path root, boolean quick, List<String> command) {
    static final List<String> PEERS = List.of(ServerCatalog.FINAL_DEFAULT, "netty-nio", "netty-epoll", "netty-uring",
            "vthreads", "c-epoll");
    /** The largest payload every server accepts (their default --max-frame). */
    static final int MAX_PAYLOAD = 1 << 20;
    static final String USAGE = """
            usage: ./lesson bench [--quick] [OPTIONS]
              --steps LIST         lessons to measure (default 01,10,18,22,25,30,34); 34 is the
                                   final server, measured as "final"
              --peers LIST         final-default,netty-nio,netty-epoll,netty-uring,vthreads,c-epoll
                                   or none (default: all)
              --scenarios LIST     lat,pp,pipe,bulk,pingpong,c10k,idle (rounds) and the sweeps
                                   load,conns,size,threads (default: all)
              --rounds N           rounds of each scenario, interleaved across servers (default 3)
              --sweep-rounds N     rounds of each sweep (default 1)
              --warmup SEC, --duration SEC          per scenario run (default 1.5, 3)
              --sweep-warmup SEC, --sweep-settle SEC, --sweep-duration SEC
                                   a sweep warms its server up once, then settles and measures
                                   each point (default 2, 0.3, 1.5)
              --drain SEC          how long replies may still come after a window (default 2)
              --idle-connections N connections of the idle scenario (default 10000)
              --load-levels LIST   open-loop offered load, % of the fastest pp rate (10,25,50,75,90)
              --conn-counts LIST   connection counts of the conns sweep (1,10,100,1000,10000)
              --sizes LIST         payload bytes of the size sweep (16,256,4096,65536,1048576)
              --io-threads LIST    IO threads of the final server in the threads sweep, e.g. 1-7
                                   (default 1 to CPUs minus generator threads)
              --gen-threads N      load generator threads, on CPUs 0..N-1 (default 1)
              --jdk21 PATH         the JDK (21 or newer) for the virtual-thread peer
                                   (default: this JDK if new enough, else found under /usr/lib/jvm)
              --out DIR            where results.csv, report.md, hgrm/ and the charts go
                                   (default bench-results)
              --quick              a first look in under 3 minutes: steps 01,18,34, four peers,
                                   lat,pp,pipe,bulk,idle (1,000 connections) and a 3-level load
                                   sweep, 1 round, windows under a second""";

    static BenchOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<Integer> steps = numbers(quick ? "01,18,34" : "01,10,18,22,25,30,34");
        List<String> peers = quick ? List.of(ServerCatalog.FINAL_DEFAULT, "netty-nio", "vthreads", "c-epoll") : PEERS;
        List<String> scenarios = quick ? List.of("lat", "pp", "pipe", "bulk", "idle", "load") : Scenario.NAMES;
        int rounds = quick ? 1 : 3;
        int sweepRounds = 1;
        Duration warmup = seconds(quick ? 0.7 : 1.5);
        Duration duration = seconds(quick ? 0.8 : 3);
        Duration sweepWarmup = seconds(quick ? 1 : 2);
        Duration sweepSettle = seconds(quick ? 0.2 : 0.3);
        Duration sweepDuration = seconds(quick ? 0.8 : 1.5);
        Duration drain = LoadGenerator.Config.DEFAULT_DRAIN;
        int idle = quick ? 1_000 : 10_000;
        List<Integer> loadLevels = numbers(quick ? "25,50,90" : "10,25,50,75,90");
        List<Integer> connectionCounts = numbers("1,10,100,1000,10000");
        List<Integer> sizes = numbers("16,256,4096,65536,1048576");
        List<Integer> ioThreads = null;
        int generatorThreads = 1;
        Path jdk21 = null;
        Path out = Path.of("bench-results");
        Path root = Path.of(System.getProperty("bench.root", "."));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> { }
                case "--steps" -> steps = numbers(value(args, ++i));
                case "--peers" -> peers = value(args, ++i).equals("none") ? List.of() : List.of(args[i].split(","));
                case "--scenarios" -> scenarios = List.of(value(args, ++i).split(","));
                case "--rounds" -> rounds = positive(arg, value(args, ++i));
                case "--sweep-rounds" -> sweepRounds = positive(arg, value(args, ++i));
                case "--warmup" -> warmup = duration(arg, value(args, ++i));
                case "--duration" -> duration = duration(arg, value(args, ++i));
                case "--sweep-warmup" -> sweepWarmup = duration(arg, value(args, ++i));
                case "--sweep-settle" -> sweepSettle = duration(arg, value(args, ++i));
                case "--sweep-duration" -> sweepDuration = duration(arg, value(args, ++i));
                case "--drain" -> drain = duration(arg, value(args, ++i));
                case "--idle-connections" -> idle = positive(arg, value(args, ++i));
                case "--load-levels" -> loadLevels = numbers(value(args, ++i));
                case "--conn-counts" -> connectionCounts = numbers(value(args, ++i));
                case "--sizes" -> sizes = numbers(value(args, ++i));
                case "--io-threads" -> ioThreads = numbers(value(args, ++i));
                case "--gen-threads" -> generatorThreads = positive(arg, value(args, ++i));
                case "--jdk21" -> jdk21 = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        for (String scenario : scenarios) {
            if (!Scenario.NAMES.contains(scenario)) {
                throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
        for (String peer : peers) {
            if (!PEERS.contains(peer)) {
                throw new IllegalArgumentException("unknown peer " + peer);
            }
        }
        for (int size : sizes) {
            if (size > MAX_PAYLOAD) {
                throw new IllegalArgumentException("payload " + size + " is larger than the servers accept (" + MAX_PAYLOAD + ")");
            }
        }
        if (scenarios.contains("load") && !scenarios.contains("pp")) {
            // The offered loads are fractions of the fastest pp rate of this very run.
            scenarios = new ArrayList<>(scenarios);
            scenarios.add(scenarios.indexOf("load"), "pp");
        }
        if (Proc.pinning() && generatorThreads >= Proc.machineCpus()) {
            throw new IllegalArgumentException("--gen-threads " + generatorThreads + " leaves no CPU for the server on this "
                    + Proc.machineCpus() + "-CPU machine");
        }
        if (ioThreads == null) {
            ioThreads = rangeOf(1, Math.max(1, Proc.machineCpus() - generatorThreads));
        }
        return new BenchOptions(steps, peers, List.copyOf(scenarios), rounds, sweepRounds, warmup, duration,
                sweepWarmup, sweepSettle, sweepDuration, drain, idle, loadLevels, connectionCounts, sizes, ioThreads,
                generatorThreads, jdk21, out, root, quick, List.of(args));
    }

    /** The lessons whose jars the run needs: the steps, and lesson 34 for final-default and the threads sweep. */
    List<Integer> jarsNeeded() {
        List<Integer> needed = new ArrayList<>(steps);
        boolean finalJar = peers.contains(ServerCatalog.FINAL_DEFAULT) || scenarios.contains("threads");
        if (finalJar && !needed.contains(ServerCatalog.FINAL_LESSON)) {
            needed.add(ServerCatalog.FINAL_LESSON);
        }
        return needed;
    }

    /** The first CPU of the servers: the one after the generator's. */
    int firstServerCpu() {
        return generatorThreads;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** {@code 1,10,100} or a range {@code 1-7}, or both: {@code 1-3,8}. */
    static List<Integer> numbers(String list) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : list.split(",")) {
            try {
                int dash = part.indexOf('-');
                if (dash > 0) {
                    numbers.addAll(rangeOf(Integer.parseInt(part.substring(0, dash)), Integer.parseInt(part.substring(dash + 1))));
                } else {
                    numbers.add(Integer.parseInt(part));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number or range: " + part);
            }
        }
        for (int number : numbers) {
            if (number < 0) {
                throw new IllegalArgumentException("not a count: " + number);
            }
        }
        return List.copyOf(numbers);
    }

    private static List<Integer> rangeOf(int from, int to) {
        List<Integer> range = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            range.add(i);
        }
        return range;
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " needs a whole number of at least 1, not " + value);
    }

    private static Duration duration(String option, String value) {
        try {
            double secondsValue = Double.parseDouble(value);
            if (secondsValue >= 0) {
                return seconds(secondsValue);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " needs seconds, not " + value);
    }

    static Duration seconds(double seconds) {
        return LoadGenerator.seconds(seconds);
    }
}
