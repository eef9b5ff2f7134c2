package course.reactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes what a run measured: results.csv (one row per run), hgrm/ (the merged histograms),
 * report.md (the setup, a table per scenario and sweep, the memory arithmetic, the per-lesson
 * curve) and the PNG charts it links.
 */
final class Report {
    private static final String BASELINE = "netty-nio";
    private static final String[] LATENCY_SERIES = {"p50", "p99", "p99.9"};
    private static final double[] LATENCY_PERCENTILES = {50, 99, 99.9};

    private Report() {
    }

    static void write(BenchOptions options, Results results, Duration took) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = options.out();
        Files.createDirectories(out);
        results.writeCsv(out.resolve("results.csv"));
        results.writeHgrms(out.resolve("hgrm"));
        Map<String, Map<String, Summary>> summaries = Summary.of(results);
        StringBuilder md = new StringBuilder();
        header(md, options, results, took);
        servers(md, results);
        howToRead(md);
        for (String name : options.scenarios()) {
            if (Scenario.CORE.contains(name) && !name.equals("idle") && summaries.containsKey(name)) {
                scenario(md, out, Scenario.core(name, options.idleConnections()), summaries.get(name));
            }
        }
        if (summaries.containsKey("idle") || summaries.containsKey("c10k")) {
            memory(md, out, summaries);
        }
        if (options.scenarios().contains("load")) {
            load(md, out, options, results, summaries);
        }
        if (options.scenarios().contains("conns")) {
            sweep(md, out, summaries, Scenario.sweep("conns", options, Double.NaN), "connections",
                    "msgs/s", Row::msgsPerSecond, false);
        }
        if (options.scenarios().contains("size")) {
            sweep(md, out, summaries, Scenario.sweep("size", options, Double.NaN), "payload bytes",
                    "MB/s", Row::megabytesPerSecond, true);
        }
        if (options.scenarios().contains("threads")) {
            threads(md, out, options, summaries);
        }
        lessonCurve(md, out, options, summaries);
        Files.writeString(out.resolve("report.md"), md.toString());
    }

    private static void header(StringBuilder md, BenchOptions options, Results results, Duration took) {
        md.append("# Benchmark results\n\n");
        md.append("- Command: `./lesson bench ").append(String.join(" ", options.command())).append("`\n");
        md.append("- Machine: ").append(machine()).append('\n');
        md.append("- Runner and generator: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(String.format(Locale.ROOT,
                        "; %d generator thread(s)%n", options.generatorThreads()));
        md.append("- Pinning: ").append(Proc.pinning()
                ? String.format(Locale.ROOT, "the generator (this JVM) may run on CPU(s) %s; each server is pinned to"
                        + " CPU %d (and up, for the threads sweep) with taskset", Proc.allowedCpus(), options.firstServerCpu())
                : "none (fewer than 2 CPUs, or no taskset)").append('\n');
        md.append(String.format(Locale.ROOT, "- Scenarios: %d round(s), interleaved across servers, each run on a fresh"
                        + " server process: %s s warm-up, %s s measured. Sweeps: %d round(s), one server process per"
                        + " server, %s s warm-up, then per point %s s settling and %s s measured. After every window,"
                        + " replies may come for %s s more (the drain); what is still owed then is unanswered. Memory"
                        + " (idle, and c10k's active figures) is measured in round 1 only.%n",
                options.rounds(), secs(options.warmup()), secs(options.duration()), options.sweepRounds(),
                secs(options.sweepWarmup()), secs(options.sweepSettle()), secs(options.sweepDuration()),
                secs(options.drain())));
        md.append(String.format(Locale.ROOT, "- The whole run took %d min %02d s.%n", took.toMinutes(), took.toSecondsPart()));
        for (String note : results.notes) {
            md.append("- ").append(note).append('\n');
        }
    }

    private static void servers(StringBuilder md, Results results) {
        md.append("\n## The servers\n\n");
        md.append("Every Java server runs with `").append(String.join(" ", ServerCatalog.JVM_FLAGS))
                .append("`; the collector and the processor count are what each JVM chose for itself, pinned"
                        + " (from its own start-up log, `-Xlog:gc,gc+init`).\n\n");
        md.append("| server | what | JVM | collector | processors it sees |\n|---|---|---|---|---:|\n");
        for (Server server : results.servers) {
            JvmInfo jvm = results.jvms.get(BenchRunner.jvmKey(server));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", server.name(), server.what(),
                    jvm == null ? "–" : jvm.version(), jvm == null ? "–" : jvm.collector(),
                    jvm == null ? "–" : jvm.processors() + " of " + jvm.machineProcessors()));
        }
        for (Map.Entry<String, JvmInfo> jvm : results.jvms.entrySet()) {
            if (jvm.getKey().contains(" on ")) {
                md.append(String.format(Locale.ROOT, "| %s | threads sweep | %s | %s | %d of %d |%n", jvm.getKey(),
                        jvm.getValue().version(), jvm.getValue().collector(), jvm.getValue().processors(),
                        jvm.getValue().machineProcessors()));
            }
        }
        List<String> otherJdks = new ArrayList<>();
        results.jvms.forEach((server, jvm) -> {
            if (!jvm.version().startsWith(System.getProperty("java.version"))) {
                otherJdks.add(server + " (" + jvm.version() + ")");
            }
        });
        if (!otherJdks.isEmpty()) {
            md.append("\nNot on this run's JDK (").append(System.getProperty("java.version")).append("): ")
                    .append(String.join(", ", otherJdks)).append(". Compare it with the others knowing that, or run the"
                            + " whole benchmark on its JDK (`JAVA_HOME=... ./lesson bench`).\n");
        }
    }

    private static void howToRead(StringBuilder md) {
        md.append("""

                ## How to read the tables

                - **msgs/s**: replies received in the measured window, mean over the rounds; **spread**: the lowest \
                and the highest round; **vs netty-nio**: the ratio of the means, measured in this run.
                - **Latency** (µs): percentiles of every sample of every round, merged (`Histogram.add`), not means of \
                percentiles; the merged distributions are in `hgrm/`. Closed loop: from queueing a frame to its reply, \
                at full speed (in-flight frames / throughput, by Little's law: it restates the throughput). Open loop: \
                from the frame's *intended* send time on its schedule, so a stall counts against every frame it delayed.
                - **server µs/msg**, **server core**: the server's CPU time (user + system, `/proc/PID/stat`) per reply, \
                and over the window's wall time per pinned core (1.00: the core was saturated). **gen µs/msg**, \
                **gen core**: the same for the generator (this JVM). In an open loop the generator polls between \
                sends, so its CPU is not a cost there.
                - **†**: closed loop, the server's core was below 0.95 busy: it did not set the pace (the round trip or \
                the generator did), so msgs/s does not rank it; compare server µs/msg. **‡**: and the generator's \
                core was saturated: the generator was the limit. **§**: open loop, the generator, which polls \
                between sends, had less than 0.9 of its core: something else took the CPU, and the row's latency \
                includes the generator's own lateness.
                - **errors**: connections lost (refused, closed by the server, a wrong byte, or silent at the drain \
                deadline); **unanswered**: frames with no reply by then.
                """);
    }

    private static void scenario(StringBuilder md, Path out, Scenario shape, Map<String, Summary> byServer)
            throws IOException {
        String name = shape.name();
        md.append(String.format(Locale.ROOT, "%n## %s: %s%n%n", name, shape.describe()));
        if (shape.mode() == LoadGenerator.Mode.OPEN) {
            md.append("| server | offered msgs/s | msgs/s | p50 µs | p99 µs | p99.9 µs | max µs | server µs/msg |"
                    + " server core | errors | unanswered | held by server |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Summary s : byServer.values()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %d | %d | %s |%n",
                        s.server(), num(s.mean(Row::offeredPerSecond)), num(s.mean(Row::msgsPerSecond)), mark(s),
                        num(s.percentile(50)), num(s.percentile(99)), num(s.percentile(99.9)), num(s.maxMicros()),
                        dec(s.mean(Row::serverCpuMicrosPerMessage)), dec(s.mean(Row::serverCoreUse)), s.errors(),
                        s.unanswered(), num(s.min(row -> row.serverConnections()))));
            }
        } else {
            md.append("| server | msgs/s | spread | vs netty-nio | MB/s | p50 µs | p99 µs | p99.9 µs | max µs |"
                    + " server µs/msg | server core | gen µs/msg | gen core | errors | unanswered |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Summary baseline = byServer.get(BASELINE);
            for (Summary s : byServer.values()) {
                double msgs = s.mean(Row::msgsPerSecond);
                md.append(String.format(Locale.ROOT, "| %s | %s%s | %s–%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d |%n",
                        s.server(), num(msgs), mark(s), num(s.min(Row::msgsPerSecond)), num(s.max(Row::msgsPerSecond)),
                        baseline == null ? "–" : String.format(Locale.ROOT, "%.2f×", msgs / baseline.mean(Row::msgsPerSecond)),
                        dec(s.mean(Row::megabytesPerSecond)), num(s.percentile(50)), num(s.percentile(99)),
                        num(s.percentile(99.9)), num(s.maxMicros()), dec(s.mean(Row::serverCpuMicrosPerMessage)),
                        dec(s.mean(Row::serverCoreUse)), dec(s.mean(Row::generatorCpuMicrosPerMessage)),
                        dec(s.mean(Row::generatorCoreUse)), s.errors(), s.unanswered()));
            }
            List<String> servers = new ArrayList<>(byServer.keySet());
            Map<String, List<Double>> msgs = Map.of("msgs/s", values(byServer, s -> s.mean(Row::msgsPerSecond)));
            Map<String, List<Double>> spread = Map.of("msgs/s", values(byServer, s -> s.deviation(Row::msgsPerSecond)));
            String chart = "throughput-" + name + ".png";
            Charts.bars(out.resolve(chart), name + ": msgs/s (error bars: every round)", "msgs/s", servers, msgs, spread, false);
            md.append("\n![").append(name).append(" throughput](").append(chart).append(")\n");
        }
        latencyCharts(md, out, name, byServer);
    }

    /** Bars of p50, p99 and p99.9 per server, and the full percentile distribution. */
    private static void latencyCharts(StringBuilder md, Path out, String key, Map<String, Summary> byServer)
            throws IOException {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (int i = 0; i < LATENCY_SERIES.length; i++) {
            double percentile = LATENCY_PERCENTILES[i];
            series.put(LATENCY_SERIES[i], values(byServer, s -> s.percentile(percentile)));
        }
        String bars = "latency-" + fileKey(key) + ".png";
        Charts.bars(out.resolve(bars), key + ": latency, µs (all rounds merged; log scale)", "µs",
                new ArrayList<>(byServer.keySet()), series, Map.of(), true);
        String distribution = "percentiles-" + fileKey(key) + ".png";
        Map<String, org.HdrHistogram.Histogram> histograms = new LinkedHashMap<>();
        for (Summary s : byServer.values()) {
            histograms.put(s.server(), s.merged());
        }
        Charts.percentiles(out.resolve(distribution), key + ": latency by percentile (all rounds merged)", histograms);
        md.append("![").append(key).append(" latency](").append(bars).append(")\n");
        md.append("![").append(key).append(" percentiles](").append(distribution).append(")\n");
    }

    private static void memory(StringBuilder md, Path out, Map<String, Map<String, Summary>> summaries) throws IOException {
        Map<String, Summary> idle = summaries.getOrDefault("idle", Map.of());
        Map<String, Summary> active = summaries.getOrDefault("c10k", Map.of());
        List<String> servers = new ArrayList<>(idle.keySet());
        active.keySet().stream().filter(server -> !servers.contains(server)).forEach(servers::add);
        md.append("\n## Memory per connection: idle").append(active.isEmpty() ? "" : ", and active (c10k: 10,000 echoing once a"
                + " second)").append("\n\n");
        md.append("After minus before, per connection the server holds. Heap: live bytes after a full GC (`jcmd PID"
                + " GC.class_histogram`); RSS: the process's resident memory (heap included, as far as touched);"
                + " kernel: TCP buffer pages (`/proc/net/sockstat`, `mem`) and unreclaimable slab (`/proc/meminfo`,"
                + " socket structures), both system-wide and for *both* ends of each loopback connection. Active"
                + " figures are taken under load, after the measured window.\n\n");
        md.append("| server | connections the server holds | heap B idle | heap B active | RSS B idle | RSS B active |"
                + " kernel TCP buffers B idle | active | kernel slab B idle | active |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String server : servers) {
            Summary i = idle.get(server);
            Summary a = active.get(server);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", server,
                    num(i != null ? i.min(row -> row.serverConnections()) : a.min(row -> row.serverConnections())),
                    mem(i, Row::heapBytesPerConnection), mem(a, Row::heapBytesPerConnection),
                    mem(i, Row::rssBytesPerConnection), mem(a, Row::rssBytesPerConnection),
                    mem(i, Row::kernelTcpBytesPerConnection), mem(a, Row::kernelTcpBytesPerConnection),
                    mem(i, Row::kernelSlabBytesPerConnection), mem(a, Row::kernelSlabBytesPerConnection)));
        }
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("heap idle", memoryValues(servers, idle, Row::heapBytesPerConnection));
        series.put("heap active", memoryValues(servers, active, Row::heapBytesPerConnection));
        series.put("RSS idle", memoryValues(servers, idle, Row::rssBytesPerConnection));
        series.put("RSS active", memoryValues(servers, active, Row::rssBytesPerConnection));
        Charts.bars(out.resolve("memory.png"), "bytes per connection: idle and active", "bytes", servers, series,
                Map.of(), false);
        md.append("\n![memory per connection](memory.png)\n");
        million(md, idle.get(ServerCatalog.FINAL), active.get(ServerCatalog.FINAL));
    }

    /** The course's title question, from this run's three measured figures for the final server. */
    private static void million(StringBuilder md, Summary idle, Summary active) {
        if (idle == null && active == null) {
            return;
        }
        md.append("\n### A million connections, from these figures (the final server)\n\n");
        md.append("Per connection × 1,000,000. The kernel figures count both ends of a loopback connection; a"
                + " server whose clients are elsewhere pays about half.\n\n");
        md.append("| per connection | idle | × 1,000,000 | active | × 1,000,000 |\n|---|---:|---:|---:|---:|\n");
        millionRow(md, "heap after GC", idle, active, Row::heapBytesPerConnection);
        millionRow(md, "process RSS", idle, active, Row::rssBytesPerConnection);
        millionRow(md, "kernel TCP buffers (both ends)", idle, active, Row::kernelTcpBytesPerConnection);
        millionRow(md, "kernel slab (both ends)", idle, active, Row::kernelSlabBytesPerConnection);
    }

    private static void millionRow(StringBuilder md, String what, Summary idle, Summary active, ToDoubleFunction<Row> field) {
        double i = idle == null ? Double.NaN : idle.mean(field);
        double a = active == null ? Double.NaN : active.mean(field);
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", what, bytes(i), gigabytes(i), bytes(a), gigabytes(a)));
    }

    private static void load(StringBuilder md, Path out, BenchOptions options, Results results,
                             Map<String, Map<String, Summary>> summaries) throws IOException {
        if (Double.isNaN(results.loadReference)) {
            return;
        }
        List<Scenario> points = Scenario.sweep("load", options, results.loadReference);
        md.append(String.format(Locale.ROOT, "%n## load: latency against offered load (open loop, 50 connections, 64-byte"
                + " payload)%n%n100 %% = %s msgs/s, the mean pp rate of %s, the fastest server in pp in this run. Each"
                + " connection sends on its own schedule (random phase), replies or not. A server offered more than it"
                + " can serve falls behind, and its latency grows for as long as the window lasts.%n%n",
                num(results.loadReference), results.loadReferenceServer));
        md.append("Latency, µs: p50 / p99 / p99.9 (msgs/s received; errors, if any)\n\n| server |");
        for (Scenario point : points) {
            md.append(String.format(Locale.ROOT, " %s = %s/s |", point.point(), num(point.offeredPerSecond())));
        }
        md.append("\n|---|").append("---:|".repeat(points.size())).append('\n');
        for (String server : serversOf(summaries, points)) {
            md.append("| ").append(server).append(" |");
            for (Scenario point : points) {
                Summary s = summaries.getOrDefault(point.key(), Map.of()).get(server);
                md.append(s == null ? " – |" : String.format(Locale.ROOT, " %s / %s / %s (%s%s%s) |", num(s.percentile(50)),
                        num(s.percentile(99)), num(s.percentile(99.9)), num(s.mean(Row::msgsPerSecond)), mark(s),
                        s.errors() + s.unanswered() > 0 ? "; " + s.errors() + " errors, " + s.unanswered() + " unanswered" : ""));
            }
            md.append('\n');
        }
        for (int i = 0; i < LATENCY_SERIES.length; i++) {
            double percentile = LATENCY_PERCENTILES[i];
            Map<String, Charts.Line> lines = sweepLines(summaries, points, s -> s.percentile(percentile), null);
            String chart = "load-" + fileKey(LATENCY_SERIES[i]) + ".png";
            Charts.lines(out.resolve(chart), "open loop: " + LATENCY_SERIES[i] + " latency against offered load",
                    "offered msgs/s", "µs (log scale)", lines, false, true);
            md.append("\n![load ").append(LATENCY_SERIES[i]).append("](").append(chart).append(")");
        }
        md.append('\n');
        for (Scenario point : points) {
            Map<String, Summary> byServer = summaries.get(point.key());
            if (byServer != null) {
                String chart = "percentiles-" + fileKey(point.key()) + ".png";
                Map<String, org.HdrHistogram.Histogram> histograms = new LinkedHashMap<>();
                byServer.values().forEach(s -> histograms.put(s.server(), s.merged()));
                Charts.percentiles(out.resolve(chart), "load " + point.point() + ": latency by percentile", histograms);
                md.append("![load ").append(point.point()).append(" percentiles](").append(chart).append(")\n");
            }
        }
    }

    /** A sweep's table (throughput and p99 per point) and its two charts. */
    private static void sweep(StringBuilder md, Path out, Map<String, Map<String, Summary>> summaries,
                              List<Scenario> points, String xTitle, String unit, ToDoubleFunction<Row> throughput,
                              boolean logThroughput) throws IOException {
        String name = points.get(0).name();
        Scenario first = points.get(0);
        md.append(String.format(Locale.ROOT, "%n## %s: %s against %s (closed loop%s)%n%n", name, unit, xTitle,
                name.equals("conns") ? ", 1 frame in flight per connection, 64-byte payload"
                        : ", " + first.connections() + " connections, 16 frames in flight per connection, fewer when"
                        + " that would pass 1 MiB"));
        md.append(unit).append(" (p99 µs)\n\n| server |");
        for (Scenario point : points) {
            md.append(' ').append(point.point()).append(name.equals("size") ? " B" : "")
                    .append(name.equals("size") ? ", depth " + point.depth() : "").append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(points.size())).append('\n');
        for (String server : serversOf(summaries, points)) {
            md.append("| ").append(server).append(" |");
            for (Scenario point : points) {
                Summary s = summaries.getOrDefault(point.key(), Map.of()).get(server);
                md.append(s == null ? " – |" : String.format(Locale.ROOT, " %s%s (%s)%s |",
                        name.equals("size") ? dec(s.mean(throughput)) : num(s.mean(throughput)), mark(s),
                        num(s.percentile(99)), s.errors() + s.unanswered() > 0 ? " " + s.errors() + " errors" : ""));
            }
            md.append('\n');
        }
        String throughputChart = name + (unit.equals("MB/s") ? "-mbs" : "-msgs") + ".png";
        Charts.lines(out.resolve(throughputChart), name + ": " + unit + " against " + xTitle, xTitle, unit,
                sweepLines(summaries, points, s -> s.mean(throughput), s -> s.deviation(throughput)), true, logThroughput);
        String latencyChart = name + "-p99.png";
        Charts.lines(out.resolve(latencyChart), name + ": p99 latency against " + xTitle, xTitle, "µs (log scale)",
                sweepLines(summaries, points, s -> s.percentile(99), null), true, true);
        md.append("\n![").append(name).append("](").append(throughputChart).append(")\n![").append(name)
                .append(" p99](").append(latencyChart).append(")\n");
    }

    private static void threads(StringBuilder md, Path out, BenchOptions options, Map<String, Map<String, Summary>> summaries)
            throws IOException {
        List<Scenario> points = Scenario.sweep("threads", options, Double.NaN);
        md.append("\n## threads: the final server with N IO threads on N cores (pipe's shape)\n\n");
        md.append("| IO threads | msgs/s | p99 µs | server µs/msg | server core (per core) | gen core |\n|---:|---:|---:|---:|---:|---:|\n");
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (Scenario point : points) {
            Summary s = summaries.getOrDefault(point.key(), Map.of()).get(ServerCatalog.FINAL);
            if (s == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s%s | %s | %s | %s | %s |%n", point.point(), num(s.mean(Row::msgsPerSecond)),
                    mark(s), num(s.percentile(99)), dec(s.mean(Row::serverCpuMicrosPerMessage)),
                    dec(s.mean(Row::serverCoreUse)), dec(s.mean(Row::generatorCoreUse))));
            x.add(point.x());
            y.add(s.mean(Row::msgsPerSecond));
            errors.add(s.deviation(Row::msgsPerSecond));
        }
        if (x.size() > 1) {
            Charts.lines(out.resolve("threads.png"), "final server: msgs/s against IO threads", "IO threads (one core each)",
                    "msgs/s", Map.of(ServerCatalog.FINAL, new Charts.Line(x, y, errors)), false, false);
            md.append("\n![threads](threads.png)\n");
        } else {
            md.append("\nOne point only: this machine leaves one core for the server. On a bigger one, run"
                    + " `./lesson bench --steps 34 --peers none --scenarios threads --io-threads 1-N --gen-threads G`"
                    + " with G + N no more than its CPUs.\n");
        }
    }

    /** The lesson of this step: each lesson's server, scenario by scenario, over the lesson number. */
    private static void lessonCurve(StringBuilder md, Path out, BenchOptions options,
                                    Map<String, Map<String, Summary>> summaries) throws IOException {
        List<String> scenarios = options.scenarios().stream()
                .filter(name -> Scenario.CORE.contains(name) && !name.equals("idle") && summaries.containsKey(name)).toList();
        List<Summary> lessons = new ArrayList<>();
        for (String scenario : scenarios) {
            summaries.get(scenario).values().stream().filter(s -> s.lesson() > 0 && !s.server().equals(ServerCatalog.FINAL_DEFAULT))
                    .forEach(lessons::add);
        }
        List<Integer> lessonNumbers = lessons.stream().map(Summary::lesson).distinct().sorted().toList();
        if (lessonNumbers.size() < 2) {
            return;
        }
        md.append("\n## The per-lesson curve\n\nEach lesson's server in each scenario (34: the final server, lessons"
                + " 33-34). msgs/s (p99 µs); error bars in the charts cover every round.\n\n| lesson |");
        scenarios.forEach(name -> md.append(' ').append(name).append(" |"));
        md.append("\n|---:|").append("---:|".repeat(scenarios.size())).append('\n');
        for (int lesson : lessonNumbers) {
            md.append("| ").append(lesson).append(" |");
            for (String scenario : scenarios) {
                Summary s = lessonSummary(summaries.get(scenario), lesson);
                md.append(s == null ? " – |" : String.format(Locale.ROOT, " %s (%s) |", num(s.mean(Row::msgsPerSecond)),
                        num(s.percentile(99))));
            }
            md.append('\n');
        }
        Map<String, Charts.Line> throughput = new LinkedHashMap<>();
        Map<String, Charts.Line> latency = new LinkedHashMap<>();
        for (String scenario : scenarios) {
            List<Double> x = new ArrayList<>();
            List<Double> msgs = new ArrayList<>();
            List<Double> msgsSpread = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> p99Spread = new ArrayList<>();
            for (int lesson : lessonNumbers) {
                Summary s = lessonSummary(summaries.get(scenario), lesson);
                if (s != null) {
                    x.add((double) lesson);
                    msgs.add(s.mean(Row::msgsPerSecond));
                    msgsSpread.add(s.deviation(Row::msgsPerSecond));
                    double merged = s.percentile(99);
                    p99.add(merged);
                    p99Spread.add(Math.max(s.max(Row::p99Micros) - merged, merged - s.min(Row::p99Micros)));
                }
            }
            if (!x.isEmpty()) {
                if (!summaries.get(scenario).values().iterator().next().mode().equals("open")) {
                    throughput.put(scenario, new Charts.Line(x, msgs, msgsSpread));
                }
                latency.put(scenario, new Charts.Line(x, p99, p99Spread));
            }
        }
        Charts.lines(out.resolve("lessons-msgs.png"), "msgs/s by lesson (log scale; error bars: every round)", "lesson",
                "msgs/s", throughput, false, true);
        Charts.lines(out.resolve("lessons-p99.png"), "p99 latency by lesson (log scale; error bars: every round's p99)",
                "lesson", "µs", latency, false, true);
        md.append("\n![msgs/s by lesson](lessons-msgs.png)\n![p99 by lesson](lessons-p99.png)\n");
    }

    private static Summary lessonSummary(Map<String, Summary> byServer, int lesson) {
        return byServer.values().stream().filter(s -> s.lesson() == lesson && !s.server().equals(ServerCatalog.FINAL_DEFAULT))
                .findFirst().orElse(null);
    }

    private static List<String> serversOf(Map<String, Map<String, Summary>> summaries, List<Scenario> points) {
        List<String> servers = new ArrayList<>();
        for (Scenario point : points) {
            for (String server : summaries.getOrDefault(point.key(), Map.of()).keySet()) {
                if (!servers.contains(server)) {
                    servers.add(server);
                }
            }
        }
        return servers;
    }

    private static Map<String, Charts.Line> sweepLines(Map<String, Map<String, Summary>> summaries, List<Scenario> points,
                                                       ToDoubleFunction<Summary> value, ToDoubleFunction<Summary> error) {
        Map<String, Charts.Line> lines = new LinkedHashMap<>();
        for (String server : serversOf(summaries, points)) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (Scenario point : points) {
                Summary s = summaries.getOrDefault(point.key(), Map.of()).get(server);
                if (s != null && !Double.isNaN(value.applyAsDouble(s))) {
                    x.add(point.x());
                    y.add(value.applyAsDouble(s));
                    errors.add(error == null ? 0 : error.applyAsDouble(s));
                }
            }
            if (!x.isEmpty()) {
                lines.put(server, new Charts.Line(x, y, error == null ? null : errors));
            }
        }
        return lines;
    }

    private static List<Double> values(Map<String, Summary> byServer, ToDoubleFunction<Summary> value) {
        return byServer.values().stream().map(value::applyAsDouble).toList();
    }

    private static List<Double> memoryValues(List<String> servers, Map<String, Summary> byServer, ToDoubleFunction<Row> field) {
        List<Double> values = new ArrayList<>();
        for (String server : servers) {
            Summary s = byServer.get(server);
            values.add(s == null ? Double.NaN : s.mean(field));
        }
        return values;
    }

    private static String mark(Summary s) {
        return s.generatorStarved() ? " §" : s.generatorBound() ? " ‡" : s.unsaturated() ? " †" : "";
    }

    private static String mem(Summary s, ToDoubleFunction<Row> field) {
        return s == null ? "–" : num(s.mean(field));
    }

    static String num(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
    }

    static String dec(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "–" : num(value) + " B";
    }

    private static String gigabytes(double bytesPerConnection) {
        return Double.isNaN(bytesPerConnection) ? "–" : String.format(Locale.ROOT, "%.1f GB", bytesPerConnection * 1e6 / 1e9);
    }

    private static String secs(Duration duration) {
        double seconds = duration.toMillis() / 1e3;
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }

    private static String fileKey(String key) {
        return key.replace("%", "").replace(".", "").replace("/", "");
    }

    private static String machine() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: said below
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        long memoryGiB = 0;
        try {
            String meminfo = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            memoryGiB = Math.round(Long.parseLong(meminfo.replaceAll("\\D", "")) / 1024.0 / 1024.0);
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return String.format(Locale.ROOT, "%s, %d CPUs, %d GiB, %s", model, Proc.machineCpus(), memoryGiB, kernel);
    }
}
