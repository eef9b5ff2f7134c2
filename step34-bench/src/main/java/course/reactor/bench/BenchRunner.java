package course.reactor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./lesson bench}: starts every server under test as its own process, runs every scenario
 * against it with the LoadGenerator in this process, and writes results.csv, report.md and
 * charts. Rounds are interleaved (round 1 of every server, then round 2...) so that drift in the
 * machine hits all servers alike.
 */
public final class BenchRunner {
    static final String HOST = "127.0.0.1";
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");
    /** The same JVM flags for every Java server, ours and Netty. */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m");
    static final String USAGE = """
            usage: ./lesson bench [--quick] [--steps LIST] [--peers LIST] [--scenarios LIST]
                                  [--rounds N] [--out DIR] [--warmup SEC] [--duration SEC]
                                  [--idle-connections N]
              --steps LIST      lessons to measure, e.g. 01,18,33,34 (default 01,10,18,22,25,30,33,34)
              --peers LIST      netty-nio,netty-epoll,c-epoll, or none (default: all three)
              --scenarios LIST  lat,pp,pipe,bulk,c10k,idle (default: all)
              --rounds N        rounds per server and scenario (default 3)
              --out DIR         where results.csv, report.md and the charts go (default bench-results)
              --quick           steps 01,18,33,34, scenarios lat,pp,pipe,bulk,idle with 1,000
                                idle connections, 1 round, 1 s warm-up, 2 s measured""";

    private BenchRunner() {
    }

    /** Everything a run is told: parsed from the command line. */
    record Options(List<String> steps, List<String> peers, List<String> scenarios, int rounds, Path out,
                   Duration warmup, Duration duration, int idleConnections, Path root, List<String> command) {

        static Options parse(String[] args) {
            boolean quick = Arrays.asList(args).contains("--quick");
            List<String> steps = List.of(quick ? "01,18,33,34".split(",") : "01,10,18,22,25,30,33,34".split(","));
            List<String> peers = List.of("netty-nio", "netty-epoll", "c-epoll");
            List<String> scenarios = List.of(quick ? "lat,pp,pipe,bulk,idle".split(",") : "lat,pp,pipe,bulk,c10k,idle".split(","));
            int rounds = quick ? 1 : 3;
            Path out = Path.of("bench-results");
            Duration warmup = LoadGenerator.seconds(quick ? 1 : 3);
            Duration duration = LoadGenerator.seconds(quick ? 2 : 5);
            int idle = quick ? 1_000 : 10_000;
            Path root = Path.of(System.getProperty("bench.root", "."));
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> { }
                    case "--steps" -> steps = List.of(value(args, ++i).split(","));
                    case "--peers" -> peers = value(args, ++i).equals("none") ? List.of() : List.of(args[i].split(","));
                    case "--scenarios" -> scenarios = List.of(value(args, ++i).split(","));
                    case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                    case "--out" -> out = Path.of(value(args, ++i));
                    case "--warmup" -> warmup = LoadGenerator.seconds(Double.parseDouble(value(args, ++i)));
                    case "--duration" -> duration = LoadGenerator.seconds(Double.parseDouble(value(args, ++i)));
                    case "--idle-connections" -> idle = Integer.parseInt(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            for (String scenario : scenarios) {
                if (!Scenario.NAMES.contains(scenario)) {
                    throw new IllegalArgumentException("unknown scenario " + scenario);
                }
            }
            return new Options(steps, peers, scenarios, rounds, out, warmup, duration, idle, root, List.of(args));
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }
    }

    /** One load shape; idle is measured differently (memory, not messages). */
    record Scenario(String name, int connections, int depth, int payloadBytes, Duration interval) {
        static final List<String> NAMES = List.of("lat", "pp", "pipe", "bulk", "c10k", "idle");

        static Scenario named(String name, Options options) {
            return switch (name) {
                case "lat" -> new Scenario(name, 1, 1, 64, Duration.ZERO);
                case "pp" -> new Scenario(name, 50, 1, 64, Duration.ZERO);
                case "pipe" -> new Scenario(name, 50, 16, 64, Duration.ZERO);
                case "bulk" -> new Scenario(name, 4, 4, 64 * 1024, Duration.ZERO);
                case "c10k" -> new Scenario(name, 10_000, 1, 64, Duration.ofSeconds(1));
                case "idle" -> new Scenario(name, options.idleConnections(), 0, 0, Duration.ZERO);
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            };
        }
    }

    /** How to start one server under test. */
    record Server(String name, List<String> command, boolean jvm) {
    }

    /** One measured row of results.csv; memory fields are set for the idle scenario only. */
    record Row(String server, String scenario, int round, double msgsPerSecond, double p50Micros, double p99Micros,
               double p999Micros, long errors, double cpuMicrosPerMessage, int connectionsHeld,
               double heapBytesPerConnection, double rssBytesPerConnection) {
    }

    public static void main(String[] args) throws Exception {
        boolean listSteps = Arrays.asList(args).contains("--list-steps");
        if (Arrays.asList(args).contains("--help")) {
            if (!listSteps) {
                System.out.println(USAGE);
            }
            return;
        }
        if (listSteps) {
            args = Arrays.stream(args).filter(arg -> !arg.equals("--list-steps")).toArray(String[]::new);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (listSteps) { // for ./lesson bench: which jars to build
            System.out.println(String.join(" ", options.steps()));
            return;
        }
        long start = System.nanoTime();
        List<Row> rows = run(options);
        Report.write(options, rows, Duration.ofNanos(System.nanoTime() - start));
        System.out.println("wrote " + options.out().resolve("report.md"));
    }

    static List<Row> run(Options options) throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        List<Server> servers = servers(options);
        List<Row> rows = new ArrayList<>();
        int total = options.rounds() * options.scenarios().size() * servers.size();
        int done = 0;
        for (int round = 1; round <= options.rounds(); round++) {
            for (String scenarioName : options.scenarios()) {
                Scenario scenario = Scenario.named(scenarioName, options);
                for (int s = 0; s < servers.size(); s++) {
                    Server server = servers.get((s + round - 1) % servers.size()); // a new order each round
                    done++;
                    System.out.printf(Locale.ROOT, "[%d/%d] round %d  %-5s %-12s ", done, total, round, scenario.name(), server.name());
                    System.out.flush();
                    Row row = measure(server, scenario, round, options);
                    rows.add(row);
                    System.out.println(summary(row));
                }
            }
        }
        return rows;
    }

    private static String summary(Row row) {
        if (row.scenario().equals("idle")) {
            String heap = Double.isNaN(row.heapBytesPerConnection()) ? "-" : String.format(Locale.ROOT, "%.0f", row.heapBytesPerConnection());
            return String.format(Locale.ROOT, "%d held, heap %s B/conn, rss %.0f B/conn, errors %d",
                    row.connectionsHeld(), heap, row.rssBytesPerConnection(), row.errors());
        }
        return String.format(Locale.ROOT, "%,.0f msgs/s  p50 %.0f us  p99 %.0f us  cpu %.2f us/msg  errors %d",
                row.msgsPerSecond(), row.p50Micros(), row.p99Micros(), row.cpuMicrosPerMessage(), row.errors());
    }

    private static Row measure(Server server, Scenario scenario, int round, Options options)
            throws IOException, InterruptedException {
        try (RunningServer running = RunningServer.start(server)) {
            if (scenario.name().equals("idle")) {
                return measureIdle(running, scenario, round);
            }
            long[] cpuAtStart = new long[1];
            LoadGenerator.Config config = new LoadGenerator.Config(HOST, running.port, scenario.connections(),
                    scenario.depth(), scenario.payloadBytes(), options.warmup(), options.duration(), scenario.interval());
            LoadGenerator.Result result = LoadGenerator.run(config, () -> cpuAtStart[0] = running.cpuTicks());
            long cpuTicks = running.cpuTicks() - cpuAtStart[0];
            double cpuMicrosPerMessage = result.messages() == 0 ? 0 : cpuTicks * 1e6 / Proc.CLOCK_TICKS / result.messages();
            return new Row(server.name(), scenario.name(), round, result.msgsPerSecond(), result.p50Micros(),
                    result.p99Micros(), result.p999Micros(), result.errors(), cpuMicrosPerMessage,
                    result.connectionsHeld(), 0, 0);
        }
    }

    /** Memory per idle connection: the server's heap after a full GC, and its RSS, before and after. */
    private static Row measureIdle(RunningServer running, Scenario scenario, int round) throws IOException {
        long heapBefore = running.heapAfterGc();
        long rssBefore = Proc.rssBytes(running.pid);
        int descriptorsBefore = Proc.descriptorCount(running.pid);
        List<SocketChannel> idle = new ArrayList<>();
        long errors = 0;
        try {
            InetSocketAddress address = new InetSocketAddress(HOST, running.port);
            for (int i = 0; i < scenario.connections(); i++) {
                try {
                    idle.add(SocketChannel.open(address));
                } catch (IOException e) {
                    errors++;
                }
            }
            running.awaitAccepted(descriptorsBefore, idle.size());
            long heapAfter = running.heapAfterGc();
            long rssAfter = Proc.rssBytes(running.pid);
            int held = idle.size();
            return new Row(running.server.name(), scenario.name(), round, 0, 0, 0, 0, errors, 0, held,
                    heapBefore < 0 ? Double.NaN : (heapAfter - heapBefore) / (double) held,
                    (rssAfter - rssBefore) / (double) held);
        } finally {
            for (SocketChannel channel : idle) {
                channel.close();
            }
        }
    }

    /** The steps' jars and the peers, in the order the report lists them. */
    static List<Server> servers(Options options) throws IOException {
        List<Server> servers = new ArrayList<>();
        List<String> pin = Proc.pinServer();
        for (String step : options.steps()) {
            int number = Integer.parseInt(step);
            Path jar = stepJar(options.root(), number);
            List<String> command = new ArrayList<>(pin);
            command.add(javaBinary());
            command.addAll(JVM_FLAGS);
            command.addAll(List.of("-jar", jar.toString(), HOST, "0"));
            if (number >= 25) {
                command.addAll(List.of("--io-threads", "1")); // one IO loop, like the peers
            }
            if (number >= 26) {
                command.addAll(List.of("--workers", "0")); // business work on the IO thread
            }
            servers.add(new Server(String.format("step%02d", number), command, true));
        }
        for (String peer : options.peers()) {
            List<String> command = new ArrayList<>(pin);
            switch (peer) {
                case "netty-nio", "netty-epoll" -> {
                    command.add(javaBinary());
                    command.addAll(JVM_FLAGS);
                    command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyEchoServer.class.getName(),
                            HOST, "0", peer.substring("netty-".length())));
                    servers.add(new Server(peer, command, true));
                }
                case "c-epoll" -> {
                    Path binary = CEchoServer.build(options.root(), options.out());
                    if (binary == null) {
                        System.out.println("no C compiler: the c-epoll reference is left out");
                        continue;
                    }
                    command.addAll(List.of(binary.toString(), HOST, "0"));
                    servers.add(new Server(peer, command, false));
                }
                default -> throw new IllegalArgumentException("unknown peer " + peer);
            }
        }
        return servers;
    }

    static Path stepJar(Path root, int number) throws IOException {
        String prefix = String.format("step%02d-", number);
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(root, prefix + "*")) {
            for (Path module : modules) {
                Path jar = module.resolve("target").resolve(module.getFileName() + "-1.0.jar");
                if (Files.exists(jar)) {
                    return jar;
                }
                throw new IllegalArgumentException("no jar for step " + number + ": build it with mvn package (looked for " + jar + ")");
            }
        }
        throw new IllegalArgumentException("no module for step " + number + " under " + root.toAbsolutePath());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A server process under test: started, its port read from its first line, killed at the end. */
    static final class RunningServer implements AutoCloseable {
        /** A JVM that has not said where it listens after this long is stuck, not slow. */
        static final int START_TIMEOUT_SECONDS = 30;

        final Server server;
        final Process process;
        final long pid;
        final int port;

        private RunningServer(Server server, Process process, int port) {
            this.server = server;
            this.process = process;
            this.pid = process.pid();
            this.port = port;
        }

        static RunningServer start(Server server) throws IOException {
            Process process = new ProcessBuilder(server.command())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = firstLine(stdout, process, server.name());
            Matcher matcher = line == null ? null : LISTENING.matcher(line);
            if (matcher == null || !matcher.find()) {
                process.destroyForcibly();
                throw new IOException(server.name() + " did not start: first line " + line);
            }
            return new RunningServer(server, process, Integer.parseInt(matcher.group(2)));
        }

        /** The server's first line, or an IOException if it says nothing for START_TIMEOUT_SECONDS. */
        private static String firstLine(BufferedReader stdout, Process process, String name) throws IOException {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                return line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly(); // closes its stdout: the reading thread ends too
                throw new IOException(name + " printed nothing in " + START_TIMEOUT_SECONDS + " s");
            } catch (ExecutionException e) {
                process.destroyForcibly();
                throw new IOException(name + " did not start: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IOException(name + ": interrupted while starting", e);
            }
        }

        long cpuTicks() {
            return Proc.cpuTicks(pid);
        }

        /** Heap in use after a full GC (jcmd's class histogram forces one); -1 if not a JVM. */
        long heapAfterGc() throws IOException {
            if (!server.jvm()) {
                return -1;
            }
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : output.split("\n")) {
                if (line.startsWith("Total")) {
                    return Long.parseLong(line.trim().split("\\s+")[2]);
                }
            }
            throw new IOException("no total in jcmd's class histogram: " + output);
        }

        /** Waits (up to 30 s) until the server holds {@code count} more descriptors than {@code before}: it has accepted them all. */
        void awaitAccepted(int before, int count) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Proc.descriptorCount(pid) < before + count && System.nanoTime() < deadline) {
                Proc.pause(50);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

}
