package course.reactor.bench;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.netty.util.Version;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The servers a run measures, in the order the report lists them: the lessons' servers, the final
 * server (lesson 34's jar, whose server is lesson 33's), and the peers. A peer that cannot run here
 * (no io_uring, no JDK 21, no C compiler) is left out with one line saying why.
 */
final class ServerCatalog {
    static final int FINAL_LESSON = 34;
    static final String FINAL = "final";
    static final String FINAL_DEFAULT = "final-default";
    static final String HOST = "127.0.0.1";
    /** The same heap for every Java server, ours and the peers. */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m");
    private static final Path JVM_DIRECTORY = Path.of("/usr/lib/jvm");
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)");

    private ServerCatalog() {
    }

    /** Every server of the run; {@code say} gets one line for each one left out. */
    static List<Server> servers(BenchOptions options, Consumer<String> say) throws IOException {
        List<Server> servers = new ArrayList<>();
        for (int lesson : options.steps()) {
            servers.add(lesson(options, lesson));
        }
        for (String peer : options.peers()) {
            Server server = peer(options, peer, say);
            if (server != null) {
                servers.add(server);
            }
        }
        return servers;
    }

    /**
     * Lesson N's server on one core. From lesson 25 on it runs with {@code --io-threads 1}, from 26
     * on with {@code --workers 0}: one IO loop doing the business work too, the shape of the peers.
     */
    static Server lesson(BenchOptions options, int lesson) throws IOException {
        List<String> program = jarProgram(options, lesson);
        if (lesson >= 25) {
            program.addAll(List.of("--io-threads", "1"));
        }
        if (lesson >= 26) {
            program.addAll(List.of("--workers", "0"));
        }
        boolean isFinal = lesson == FINAL_LESSON;
        String what = isFinal ? "the final server (lessons 33-34), one IO loop doing the work: --io-threads 1 --workers 0"
                : String.format("lesson %d's server%s", lesson, lesson >= 26 ? ", --io-threads 1 --workers 0"
                : lesson == 25 ? ", --io-threads 1" : "");
        return new Server(isFinal ? FINAL : String.format("step%02d", lesson), lesson, what, javaLauncher(options, thisJdk(), 1),
                program, thisJdk(), 1);
    }

    /** The final server with {@code ioThreads} IO loops on as many cores, work on the IO threads: the threads sweep. */
    static Server finalWithIoThreads(BenchOptions options, int ioThreads) throws IOException {
        List<String> program = jarProgram(options, FINAL_LESSON);
        program.addAll(List.of("--io-threads", String.valueOf(ioThreads), "--workers", "0"));
        return new Server(FINAL, FINAL_LESSON, "the final server, --io-threads " + ioThreads + " --workers 0 on "
                + ioThreads + " core(s)", javaLauncher(options, thisJdk(), ioThreads), program, thisJdk(), ioThreads);
    }

    static Server peer(BenchOptions options, String peer, Consumer<String> say) throws IOException {
        switch (peer) {
            case FINAL_DEFAULT -> {
                // No options at all: pinned to one core, its JVM sees one processor, so the defaults
                // are one IO loop and one worker thread (--workers defaults to the processors).
                return new Server(FINAL_DEFAULT, FINAL_LESSON, "the final server with its default options (on one core:"
                        + " one IO loop and one worker thread)", javaLauncher(options, thisJdk(), 1),
                        jarProgram(options, FINAL_LESSON), thisJdk(), 1);
            }
            case "netty-nio", "netty-epoll", "netty-uring" -> {
                String transport = peer.substring("netty-".length());
                String unavailable = unavailableTransport(transport);
                if (unavailable != null) {
                    say.accept(peer + " left out: " + unavailable);
                    return null;
                }
                return new Server(peer, 0, "Netty " + nettyVersion() + ", " + transport + " transport, one accepting and"
                        + " one serving loop", javaLauncher(options, thisJdk(), 1), List.of("-cp",
                        System.getProperty("java.class.path"), NettyEchoServer.class.getName(), HOST, "0", transport),
                        thisJdk(), 1);
            }
            case "vthreads" -> {
                Path jdk = jdk21(options, say);
                if (jdk == null) {
                    return null;
                }
                return new Server(peer, 0, "blocking echo, one virtual thread per connection (JDK " + featureVersion(jdk)
                        + ")", javaLauncher(options, jdk, 1), List.of("-cp", System.getProperty("java.class.path"),
                        VirtualThreadEchoServer.class.getName(), HOST, "0"), jdk, 1);
            }
            case "c-epoll" -> {
                Path binary = CEchoServer.build(options.root(), options.out());
                if (binary == null) {
                    say.accept("c-epoll left out: no C compiler (gcc) here");
                    return null;
                }
                List<String> launcher = Proc.pin(options.firstServerCpu(), 1);
                return new Server(peer, 0, "C, one thread, level-triggered epoll, no framing (gcc -O2)", launcher,
                        List.of(binary.toString(), HOST, "0"), null, 1);
            }
            default -> throw new IllegalArgumentException("unknown peer " + peer);
        }
    }

    private static String unavailableTransport(String transport) {
        Throwable cause = switch (transport) {
            case "epoll" -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case "uring" -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            default -> null;
        };
        return cause == null ? null : (transport.equals("uring") ? "IoUring" : "Epoll") + ".isAvailable() is false here ("
                + cause.getMessage() + ")";
    }

    private static String nettyVersion() {
        Version transport = Version.identify().get("netty-transport");
        return transport == null ? "4.2" : transport.artifactVersion();
    }

    private static List<String> javaLauncher(BenchOptions options, Path javaHome, int cores) {
        List<String> launcher = new ArrayList<>(Proc.pin(options.firstServerCpu(), cores));
        launcher.add(javaHome.resolve("bin").resolve("java").toString());
        launcher.addAll(JVM_FLAGS);
        return launcher;
    }

    private static List<String> jarProgram(BenchOptions options, int lesson) throws IOException {
        return new ArrayList<>(List.of("-jar", stepJar(options.root(), lesson).toString(), HOST, "0"));
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

    static Path thisJdk() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * A JDK of version 21 or newer for the virtual-thread peer: {@code --jdk21}, else this JDK if
     * it is one, else the newest under /usr/lib/jvm; null (and one line) if there is none.
     */
    static Path jdk21(BenchOptions options, Consumer<String> say) {
        if (options.jdk21() != null) {
            int version = featureVersion(options.jdk21());
            if (version >= 21) {
                return options.jdk21();
            }
            say.accept("vthreads left out: --jdk21 " + options.jdk21() + " is not a JDK 21 or newer"
                    + (version > 0 ? " (it is " + version + ")" : ""));
            return null;
        }
        if (Runtime.version().feature() >= 21) {
            return thisJdk();
        }
        Path found = newestJdk(JVM_DIRECTORY, 21);
        if (found == null) {
            say.accept("vthreads left out: no JDK 21 or newer (this is " + Runtime.version().feature()
                    + "; none under " + JVM_DIRECTORY + "; name one with --jdk21 PATH)");
        }
        return found;
    }

    /** The JDK of the highest version, at least {@code minimum}, directly under {@code directory}; null if none. */
    static Path newestJdk(Path directory, int minimum) {
        if (!Files.isDirectory(directory)) {
            return null;
        }
        Path best = null;
        int bestVersion = minimum - 1;
        try (Stream<Path> homes = Files.list(directory)) {
            for (Path home : homes.sorted().toList()) {
                int version = featureVersion(home);
                if (version > bestVersion && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                    best = home;
                    bestVersion = version;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return best;
    }

    /** A JDK's feature version from its {@code release} file (25 for "25.0.3", 8 for "1.8.0"); -1 if unknown. */
    static int featureVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                Matcher matcher = JAVA_VERSION.matcher(line);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
        } catch (IOException e) {
            // not a JDK
        }
        return -1;
    }
}
