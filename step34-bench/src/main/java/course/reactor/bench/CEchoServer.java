package course.reactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds the C epoll echo server (src/main/c/echo_epoll.c) with gcc, when there is one. */
final class CEchoServer {
    private CEchoServer() {
    }

    /** The binary, built into {@code out}; null if no C compiler is installed or the build fails. */
    static Path build(Path root, Path out) {
        Path source = root.resolve("step34-bench/src/main/c/echo_epoll.c");
        Path binary = out.toAbsolutePath().resolve("echo_epoll");
        try {
            Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0 || !Files.isExecutable(binary)) {
                System.out.println("gcc failed: " + output);
                return null;
            }
            return binary;
        } catch (IOException e) {
            return null; // no gcc
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
