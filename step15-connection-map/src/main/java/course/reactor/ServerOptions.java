package course.reactor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of every step: {@code [HOST] [PORT]}. Later lessons add options here. */
record ServerOptions(String host, int port) {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 5005;
    static final String USAGE = """
            usage: java -jar <step>.jar [HOST] [PORT]
              HOST    address to listen on (default 127.0.0.1)
              PORT    port to listen on, 0 for any free port (default 5005);
                      a single number on its own is taken as the PORT
              --help  print this help and exit""";

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
        for (String arg : args) {
            if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option " + arg);
            }
            positional.add(arg);
        }
        return switch (positional.size()) {
            case 0 -> new ServerOptions(DEFAULT_HOST, DEFAULT_PORT);
            case 1 -> isNumber(positional.get(0))
                    ? new ServerOptions(DEFAULT_HOST, parsePort(positional.get(0)))
                    : new ServerOptions(positional.get(0), DEFAULT_PORT);
            case 2 -> new ServerOptions(positional.get(0), parsePort(positional.get(1)));
            default -> throw new IllegalArgumentException("too many arguments: " + String.join(" ", positional));
        };
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
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
