package course.reactor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Java server's JVM chose for itself: its garbage collector and how many processors it
 * sees. Pinned to one core, a JVM sees one processor and picks the Serial collector, with one GC
 * thread and one compiler thread sharing that core with the server: worth knowing when reading
 * the numbers. Found by starting the server's own launcher (taskset, java, flags) with the JVM's
 * start-up log ({@code -Xlog:gc,gc+init}) and {@code -version}: the same binary, flags and CPUs
 * make the same choices.
 */
record JvmInfo(String version, String collector, int processors, int machineProcessors) {
    private static final Pattern VERSION = Pattern.compile("\\[gc,init\\] Version: (\\S+)");
    private static final Pattern CPUS = Pattern.compile("\\[gc,init\\] CPUs: (\\d+) total, (\\d+) available");
    private static final Pattern USING = Pattern.compile("\\[gc\\s*\\] Using (.+)$");

    static JvmInfo probe(Server server) throws IOException {
        List<String> command = new ArrayList<>(server.launcher());
        command.addAll(List.of("-Xlog:gc,gc+init", "-version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return parse(output);
    }

    /** Reads the start-up log; what it does not say stays "?" or -1. */
    static JvmInfo parse(String log) {
        String version = "?";
        String collector = "?";
        int processors = -1;
        int machine = -1;
        for (String line : log.split("\n")) {
            Matcher matcher = VERSION.matcher(line);
            if (matcher.find()) {
                version = matcher.group(1);
            }
            matcher = CPUS.matcher(line);
            if (matcher.find()) {
                machine = Integer.parseInt(matcher.group(1));
                processors = Integer.parseInt(matcher.group(2));
            }
            matcher = USING.matcher(line);
            if (matcher.find()) {
                collector = matcher.group(1).trim();
            }
        }
        return new JvmInfo(version, collector, processors, machine);
    }
}
