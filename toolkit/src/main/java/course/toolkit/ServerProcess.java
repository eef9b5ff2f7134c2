package course.toolkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's server running as a child JVM on a free port.
 *
 * <p>The early steps loop forever and have no way to stop from inside (graceful shutdown is
 * lesson 32), so tests run them as a separate process and end it by killing it. That also
 * proves the real entry point: the command line, the {@code listening on HOST:PORT} line, the
 * exit codes. Closing a {@code ServerProcess} ends the child and both of its output pumps.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^listening on (.+):(\\d+)$");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /**
     * Every child still running. A test that times out is abandoned by JUnit before its close()
     * runs, so the JVM kills what is left when it exits: no server outlives the test run.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-server-processes"));
    }

    private final Process process;
    private final OutputPump stdout;
    private final OutputPump stderr;
    private final String host;
    private final int port;

    private ServerProcess(Process process, OutputPump stdout, OutputPump stderr, String host, int port) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.host = host;
        this.port = port;
    }

    /** Starts {@code mainClass} from the classes it was loaded from, on 127.0.0.1 and a free port. */
    public static ServerProcess startMain(Class<?> mainClass, String... options) {
        return start(startMainCommand(mainClass), options);
    }

    private static List<String> startMainCommand(Class<?> mainClass) {
        List<String> command = javaCommand();
        command.add("-cp");
        command.add(codeSource(mainClass).toString());
        command.add(mainClass.getName());
        return command;
    }

    /**
     * Like {@link #startMain}, but under a limit of {@code maxDescriptors} open files: a shell
     * runs {@code ulimit -n} and then becomes the JVM, so the limit holds for the server only.
     */
    public static ServerProcess startMainWithDescriptorLimit(Class<?> mainClass, int maxDescriptors, String... options) {
        return start(underDescriptorLimit(startMainCommand(mainClass), maxDescriptors), options);
    }

    /** A shell runs {@code ulimit -n} and then becomes the JVM, so the limit holds for the server only. */
    private static List<String> underDescriptorLimit(List<String> java, int maxDescriptors) {
        return underLimit(java, "-n " + maxDescriptors);
    }

    /** A shell runs {@code ulimit LIMIT} (bash's, e.g. {@code -n 200}) and then becomes the JVM. */
    private static List<String> underLimit(List<String> java, String limit) {
        StringBuilder script = new StringBuilder("ulimit " + limit + " && exec");
        for (String word : java) {
            script.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        script.append(" \"$@\"");
        return new ArrayList<>(List.of("bash", "-c", script.toString(), "server"));
    }

    /**
     * Like {@link #startJar}, but under a limit of {@code maxDescriptors} open files, in a JVM of
     * its own: nothing the test's JVM has loaded or opened helps the server.
     */
    public static ServerProcess startJarWithDescriptorLimit(Path jar, int maxDescriptors, String... options) {
        List<String> java = javaCommand();
        java.add("-jar");
        java.add(jar.toString());
        return start(underDescriptorLimit(java, maxDescriptors), options);
    }

    /**
     * Like {@link #startJar}, but no file the server writes may grow past {@code maxKib} KiB
     * ({@code ulimit -f}): a write beyond it fails with "File too large", as on a full disk.
     */
    public static ServerProcess startJarWithFileSizeLimit(Path jar, int maxKib, String... options) {
        List<String> java = javaCommand();
        java.add("-jar");
        java.add(jar.toString());
        return start(underLimit(java, "-f " + maxKib), options);
    }

    /** Starts {@code java -jar jar 127.0.0.1 0 options...}. */
    public static ServerProcess startJar(Path jar, String... options) {
        return startJar(jar, List.of(), options);
    }

    /** Starts {@code java jvmOptions... -jar jar 127.0.0.1 0 options...}, e.g. with a small heap. */
    public static ServerProcess startJar(Path jar, List<String> jvmOptions, String... options) {
        List<String> command = javaCommand();
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        return start(command, options);
    }

    /** Runs {@code java -jar jar args...} to its end, for command-line tests (--help, bad input). */
    public static Finished runJar(Path jar, String... args) {
        List<String> command = javaCommand();
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Process process = launch(command);
        OutputPump out = new OutputPump(process.getInputStream(), "stdout");
        OutputPump err = new OutputPump(process.getErrorStream(), "stderr");
        try {
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + START_TIMEOUT.toSeconds() + " s: " + command);
            }
            out.join();
            err.join();
            return new Finished(process.exitValue(), out.text(), err.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What a finished command printed and how it ended. */
    public record Finished(int exitCode, String stdout, String stderr) {
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public TestClient connect() throws IOException {
        return TestClient.connect(host, port);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server's process id (the JVM's: a descriptor limit's shell has exec'd into it). */
    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM, as {@code kill PID} or a service manager does, and returns at once. */
    public void terminate() {
        // SIGTERM on Linux and macOS. Through the handle: Process.destroy() would also close our
        // ends of the server's stdout and stderr, and its last words would hit a broken pipe.
        process.toHandle().destroy();
    }

    /**
     * Waits for the process to exit and for the last of its output, and returns its status;
     * fails if it is still running after {@code timeout}.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server is still running " + timeout.toSeconds() + " s later; its log:\n" + stderr());
        }
        stdout.join(); // what it wrote last is in, too
        stderr.join();
        return process.exitValue();
    }

    /** Everything the server has written to stderr so far (its log). */
    public String stderr() {
        return stderr.text();
    }

    /** Everything the server has written to stdout so far. */
    public String stdout() {
        return stdout.text();
    }

    /** Ends the server (SIGTERM, then SIGKILL if it lingers) and waits until it and its pumps are gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            stdout.join();
            stderr.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static ServerProcess start(List<String> command, String... options) {
        command.add("127.0.0.1");
        command.add("0");
        command.addAll(List.of(options));
        Process process = launch(command);
        OutputPump stdout = new OutputPump(process.getInputStream(), "stdout");
        OutputPump stderr = new OutputPump(process.getErrorStream(), "stderr");
        try {
            Await.until("a 'listening on HOST:PORT' line from " + command,
                    () -> stdout.firstLine() != null || !process.isAlive(), START_TIMEOUT);
            Matcher matcher = stdout.firstLine() == null ? null : LISTENING.matcher(stdout.firstLine());
            if (matcher == null || !matcher.matches()) {
                throw new AssertionError("server did not start: first line " + stdout.firstLine()
                        + ", stderr: " + stderr.text());
            }
            return new ServerProcess(process, stdout, stderr, matcher.group(1), Integer.parseInt(matcher.group(2)));
        } catch (RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return command;
    }

    private static Process launch(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a child's output stream into memory on its own thread, which ends at end of stream. */
    private static final class OutputPump {
        private final StringBuilder text = new StringBuilder();
        private final Thread thread;
        private String firstLine;

        OutputPump(InputStream stream, String name) {
            thread = new Thread(() -> pump(stream), "server-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void pump(InputStream stream) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (this) {
                        if (firstLine == null) {
                            firstLine = line;
                        }
                        text.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // The process is gone; what we have is all there is.
            }
        }

        synchronized String firstLine() {
            return firstLine;
        }

        synchronized String text() {
            return text.toString();
        }

        void join() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
