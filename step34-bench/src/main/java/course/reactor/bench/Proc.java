package course.reactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What Linux tells about a process in /proc, and how to pin one to a CPU. */
final class Proc {
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every mainstream Linux. */
    static final long CLOCK_TICKS = 100;

    private Proc() {
    }

    /** CPU time the process has used, user plus system, in clock ticks. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
        } catch (IOException e) {
            return 0; // the process is gone
        }
    }

    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return 0;
    }

    static int descriptorCount(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The prefix that pins a server to CPU 1, when there are two CPUs or more and taskset is
     * installed; {@code ./lesson bench} pins the generator to CPU 0. Empty otherwise.
     */
    static List<String> pinServer() {
        if (machineCpus() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            return List.of("taskset", "-c", "1");
        }
        return List.of();
    }

    /**
     * The machine's CPUs, whatever this process may use: the runner itself is pinned to CPU 0,
     * and availableProcessors() would then say 1.
     */
    static int machineCpus() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return (int) Math.max(1, lines.filter(line -> line.startsWith("processor")).count());
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
