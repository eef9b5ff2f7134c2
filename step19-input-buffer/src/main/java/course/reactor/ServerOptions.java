package course.reactor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of every step: {@code [HOST] [PORT]}, plus the options lessons add. */
record ServerOptions(String host, int port, int maxFrame) {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 5005;
    static final int DEFAULT_MAX_FRAME = 1 << 20;
    /** The largest --max-frame allowed: 64 MiB. Frames far above that belong in a file transfer, not a message. */
    static final int MAX_MAX_FRAME = 64 << 20;
    static final String USAGE = """
            usage: java -jar <step>.jar [HOST] [PORT] [--max-frame BYTES]
              HOST               address to listen on (default 127.0.0.1)
              PORT               port to listen on, 0 for any free port (default 5005);
                                 a single number on its own is taken as the PORT
              --max-frame BYTES  largest message body accepted (default 1048576, at most 64 MiB); a client
                                 that announces a longer one loses its connection
              --help             print this help and exit""";

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
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--max-frame")) {
                maxFrame = parsePositive(arg, valueOf(args, i++));
                if (maxFrame > MAX_MAX_FRAME) {
                    throw new IllegalArgumentException("bad --max-frame " + maxFrame + " (at most " + MAX_MAX_FRAME + ", 64 MiB)");
                }
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        return switch (positional.size()) {
            case 0 -> new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, maxFrame);
            case 1 -> isNumber(positional.get(0))
                    ? new ServerOptions(DEFAULT_HOST, parsePort(positional.get(0)), maxFrame)
                    : new ServerOptions(positional.get(0), DEFAULT_PORT, maxFrame);
            case 2 -> new ServerOptions(positional.get(0), parsePort(positional.get(1)), maxFrame);
            default -> throw new IllegalArgumentException("too many arguments: " + String.join(" ", positional));
        };
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
