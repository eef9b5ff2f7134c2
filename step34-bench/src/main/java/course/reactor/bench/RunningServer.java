package course.reactor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process under test: started, its port read from its {@code listening on} line, its
 * stderr appended to a log file, killed at the end. What the benchmark samples of it comes from
 * /proc (CPU time, resident memory, the connections it holds) and, for a JVM, from jcmd (heap after a full GC).
 */
final class RunningServer implements AutoCloseable {
    /** A JVM that has not said where it listens after this long is stuck, not slow. */
    static final int START_TIMEOUT_SECONDS = 30;
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    /**
     * Every server still running. A benchmark stopped with Ctrl-C never reaches its close(): the
     * JVM kills what is left as it exits, so that no server stays behind, pinned to its core.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-servers-under-test"));
    }

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

    static RunningServer start(Server server, Path logDirectory) throws IOException {
        Files.createDirectories(logDirectory);
        Process process = new ProcessBuilder(server.command())
                .redirectError(ProcessBuilder.Redirect.appendTo(logDirectory.resolve(server.name() + ".stderr").toFile()))
                .start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = firstLine(stdout, process, server.name());
        Matcher matcher = line == null ? null : LISTENING.matcher(line);
        if (matcher == null || !matcher.find()) {
            process.destroyForcibly();
            throw new IOException(server.name() + " did not start: first line " + line);
        }
        drain(stdout, server.name());
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

    /** Reads the rest of stdout to its end, so that a server that prints more never blocks on a full pipe. */
    private static void drain(BufferedReader stdout, String name) {
        Thread thread = new Thread(() -> {
            try (stdout) {
                while (stdout.readLine() != null) {
                    // nothing to keep
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, name + "-stdout");
        thread.setDaemon(true);
        thread.start();
    }

    long cpuTicks() {
        return Proc.cpuTicks(pid);
    }

    long rssBytes() {
        return Proc.rssBytes(pid);
    }

    /** The TCP connections the server holds, from its own descriptors. */
    int connections() {
        return Proc.tcpConnections(pid);
    }

    /** Heap in use after a full GC (jcmd's class histogram forces one); -1 if not a JVM. */
    long heapAfterGc() throws IOException {
        if (!server.jvm()) {
            return -1;
        }
        Process jcmd = new ProcessBuilder(server.javaHome().resolve("bin").resolve("jcmd").toString(),
                String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String line : output.split("\n")) {
            if (line.startsWith("Total")) {
                return Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        throw new IOException("no total in jcmd's class histogram of " + server.name() + ": " + output);
    }

    /**
     * Polls the server's connection count until {@code until} holds or {@code timeout} passes;
     * returns the last count. Accepting (or closing) 10,000 connections takes the server a moment
     * after the generator's side is done.
     */
    int awaitConnections(IntPredicate until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int count = connections();
        while (!until.test(count) && System.nanoTime() - deadline < 0 && process.isAlive()) {
            Proc.pause(50);
            count = connections();
        }
        return count;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
