package course.reactor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What Linux tells about a process and its sockets in /proc, and how to pin a process to CPUs. */
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

    /**
     * The TCP connections the process holds: its descriptors that are sockets, looked up in the
     * kernel's TCP tables, listening sockets left out. Counting descriptors alone would also count
     * the files, pipes and socket pairs a JVM opens along the way (NIO makes a socket pair the
     * first time it closes a channel).
     */
    static int tcpConnections(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            fds.forEach(fd -> {
                String target = link(fd);
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return 0; // the process is gone
        }
        // A set: the kernel writes these tables while sockets come and go, and a line can appear twice.
        Set<String> connections = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                lines.skip(1).map(line -> line.trim().split("\\s+"))
                        .filter(fields -> fields.length > 9 && !fields[3].equals(TCP_LISTEN) && inodes.contains(fields[9]))
                        .forEach(fields -> connections.add(fields[9]));
            } catch (IOException | UncheckedIOException e) {
                // no such table (no IPv6): nothing to count there
            }
        }
        return connections.size();
    }

    /** The state column of /proc/net/tcp for a listening socket. */
    private static final String TCP_LISTEN = "0A";

    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile
        }
    }

    /**
     * The prefix that pins a process to CPUs {@code first} .. {@code first + count - 1} with taskset;
     * empty when the machine has fewer than two CPUs or no taskset (nothing is pinned then).
     * {@code ./lesson bench} pins the generator to the CPUs below {@code first}.
     */
    static List<String> pin(int first, int count) {
        if (!pinning()) {
            return List.of();
        }
        String cpus = count == 1 ? String.valueOf(first) : first + "-" + (first + count - 1);
        return List.of("taskset", "-c", cpus);
    }

    static boolean pinning() {
        return machineCpus() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
    }

    /** The kernel's TCP sockets, system-wide, from /proc/net/sockstat: sockets in use and pages of buffer memory. */
    record SockStat(long tcpInUse, long tcpMemoryPages) {
        /** x86-64 Linux's page, the unit of sockstat's {@code mem}. */
        static final long PAGE_BYTES = 4096;

        static SockStat read() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
                    if (line.startsWith("TCP:")) {
                        String[] fields = line.trim().split("\\s+");
                        long inUse = 0;
                        long memory = 0;
                        for (int i = 1; i + 1 < fields.length; i += 2) {
                            if (fields[i].equals("inuse")) {
                                inUse = Long.parseLong(fields[i + 1]);
                            } else if (fields[i].equals("mem")) {
                                memory = Long.parseLong(fields[i + 1]);
                            }
                        }
                        return new SockStat(inUse, memory);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or an unexpected format: nothing measured
            }
            return new SockStat(-1, -1);
        }

        long memoryBytes() {
            return tcpMemoryPages * PAGE_BYTES;
        }
    }

    /** The kernel's unreclaimable slab memory (socket structures live there), system-wide; -1 if unknown. */
    static long slabUnreclaimableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("SUnreclaim:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /** The CPUs this process may run on, as Linux lists them ("0", "0-1"); "?" if unknown. */
    static String allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    /**
     * The machine's CPUs, whatever this process may use: the runner itself is pinned to the
     * generator's CPUs, and availableProcessors() would then say how many those are.
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
