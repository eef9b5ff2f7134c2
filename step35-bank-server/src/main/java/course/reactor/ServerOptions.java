package course.reactor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of every step: {@code [HOST] [PORT]}, plus the options lessons add. */
record ServerOptions(String host, int port, int maxFrame, int ioThreads, int workers, int idleTimeoutSeconds,
                     int shutdownTimeoutSeconds, Path accountsFile, Path dataDir, boolean demo, int loginTimeoutSeconds,
                     int maxConnections) {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 5005;
    static final int DEFAULT_MAX_FRAME = BankServer.DEFAULT_MAX_FRAME;
    /** The largest --max-frame allowed: 64 MiB. Frames far above that belong in a file transfer, not a message. */
    static final int MAX_MAX_FRAME = 64 << 20;
    static final int DEFAULT_IO_THREADS = Runtime.getRuntime().availableProcessors();
    static final int DEFAULT_WORKERS = Runtime.getRuntime().availableProcessors();
    static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 10;
    static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = (int) BankServer.DEFAULT_LOGIN_TIMEOUT.toSeconds();
    static final String USAGE = """
            usage: java -jar <step>.jar [HOST] [PORT] [--max-frame BYTES] [--io-threads N]
                                       [--workers N] [--idle-timeout SECONDS]
                                       [--shutdown-timeout SECONDS] [--accounts FILE | --demo]
                                       [--data DIR] [--login-timeout SECONDS]
                                       [--max-connections N]
                   java -jar <step>.jar hash-password [--iterations N]
              HOST               address to listen on (default 127.0.0.1)
              PORT               port to listen on, 0 for any free port (default 5005);
                                 a single number on its own is taken as the PORT
              --max-frame BYTES  largest command accepted (default 1024, at most 64 MiB); a client
                                 that announces a longer one loses its connection
              --io-threads N     event loops serving connections, each on its own
                                 thread (default: the number of processors)
              --workers N        threads running the commands: logins, transfers
                                 (default: the number of processors)
              --idle-timeout SECONDS  close a client that sends and receives nothing for
                                 this long (default 0: never)
              --shutdown-timeout SECONDS  on SIGTERM or SIGINT, finish the requests at hand
                                 and flush the replies for at most this long, then
                                 close what is left (default 10)
              --accounts FILE    the bank's accounts, one "user hash cents" a line;
                                 make each hash with hash-password
              --demo             the demo accounts, alice and bob, 100000 cents each
                                 (the default without --accounts and --data)
              --data DIR         keep a journal of transfers in DIR, each one on disk
                                 before its OK; replayed on start (default: none,
                                 balances live in memory only)
              --login-timeout SECONDS  close a connection that has not logged in this
                                 long after connecting (default 30)
              --max-connections N  answer the first command of any connection beyond
                                 N with ERR BUSY, and close it (default 10000)
              --help             print this help and exit
              hash-password      read a password (from the terminal, or one line of
                                 standard input), print its accounts-file hash;
                                 --iterations N sets the cost (default 600000)""";

    /** Parses the arguments, or prints usage and exits: 0 for --help, 2 for bad input. */
    static ServerOptions fromArgs(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(USAGE);
            System.exit(0);
        }
        try {
            return parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            throw e; // not reached
        }
    }

    static ServerOptions parse(String... args) {
        List<String> positional = new ArrayList<>();
        int maxFrame = DEFAULT_MAX_FRAME;
        int ioThreads = DEFAULT_IO_THREADS;
        int workers = DEFAULT_WORKERS;
        int idleTimeoutSeconds = 0;
        int shutdownTimeoutSeconds = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;
        Path accountsFile = null;
        Path dataDir = null;
        boolean demo = false;
        int loginTimeoutSeconds = DEFAULT_LOGIN_TIMEOUT_SECONDS;
        int maxConnections = BankServer.DEFAULT_MAX_CONNECTIONS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--max-frame")) {
                maxFrame = parsePositive(arg, valueOf(args, i++));
                if (maxFrame > MAX_MAX_FRAME) {
                    throw new IllegalArgumentException("bad --max-frame " + maxFrame + " (at most " + MAX_MAX_FRAME + ", 64 MiB)");
                }
            } else if (arg.equals("--io-threads")) {
                ioThreads = parsePositive(arg, valueOf(args, i++));
            } else if (arg.equals("--workers")) {
                workers = parsePositive(arg, valueOf(args, i++));
            } else if (arg.equals("--idle-timeout")) {
                idleTimeoutSeconds = parseNonNegative(arg, valueOf(args, i++));
            } else if (arg.equals("--shutdown-timeout")) {
                shutdownTimeoutSeconds = parseNonNegative(arg, valueOf(args, i++));
            } else if (arg.equals("--accounts")) {
                accountsFile = Path.of(valueOf(args, i++));
            } else if (arg.equals("--data")) {
                dataDir = Path.of(valueOf(args, i++));
            } else if (arg.equals("--demo")) {
                demo = true;
            } else if (arg.equals("--login-timeout")) {
                loginTimeoutSeconds = parsePositive(arg, valueOf(args, i++));
            } else if (arg.equals("--max-connections")) {
                maxConnections = parsePositive(arg, valueOf(args, i++));
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        switch (positional.size()) {
            case 0 -> { }
            case 1 -> {
                if (isNumber(positional.get(0))) {
                    port = parsePort(positional.get(0));
                } else {
                    host = positional.get(0);
                }
            }
            case 2 -> {
                host = positional.get(0);
                port = parsePort(positional.get(1));
            }
            default -> throw new IllegalArgumentException("too many arguments: " + String.join(" ", positional));
        }
        if (demo && accountsFile != null) {
            throw new IllegalArgumentException("--demo and --accounts: the bank has one set of accounts");
        }
        if (dataDir != null && accountsFile == null && !demo) {
            // Money on disk under accounts whose passwords the README prints is a mistake to make on purpose only.
            throw new IllegalArgumentException("--data needs --accounts FILE (or --demo, for the demo accounts)");
        }
        return new ServerOptions(host, port, maxFrame, ioThreads, workers, idleTimeoutSeconds, shutdownTimeoutSeconds,
                accountsFile, dataDir, demo || accountsFile == null, loginTimeoutSeconds, maxConnections);
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    /** The value after option {@code args[i]}. */
    private static String valueOf(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static int parsePositive(String option, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad " + option + " " + text + " (expected a positive number)");
    }

    private static int parseNonNegative(String option, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad " + option + " " + text + " (expected 0 or more)");
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port " + text + " (expected 0-65535)");
    }
}
