package course.reactor;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Lesson 35: an online bank on the server of lesson 33: sessions, workers, a journal on disk. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("hash-password")) {
            System.exit(hashPassword(Arrays.copyOfRange(args, 1, args.length), System.console(), System.in,
                    System.out, System.err));
        }
        ServerOptions options = ServerOptions.fromArgs(args);

        SignalShutdown shutdown = null;
        // The journal first: its lock says whether this data directory is ours before anything else is said.
        try (Journal journal = options.dataDir() == null ? null : openJournalOrExit(options)) {
            List<Account> accounts = loadAccountsOrExit(options);
            Ledger ledger = new Ledger(accounts, journal == null ? Ledger.Recorder.NONE : journal);
            if (journal != null) {
                replayOrExit(journal, ledger);
            }
            BankServer server = listenOrExit(options, ledger);
            server.setIdleTimeout(Duration.ofSeconds(options.idleTimeoutSeconds()));
            server.setShutdownTimeout(Duration.ofSeconds(options.shutdownTimeoutSeconds()));
            server.setLoginTimeout(Duration.ofSeconds(options.loginTimeoutSeconds()));
            server.setMaxConnections(options.maxConnections());

            // Before the line that tells the world we are up: a SIGTERM right after it must find the handler.
            shutdown = SignalShutdown.install(server::close, Duration.ofSeconds(options.shutdownTimeoutSeconds()));
            System.out.println("listening on " + server.address());

            server.start(); // returns once close() has run: the signal's handler then exits 0
        } finally {
            if (shutdown != null) {
                shutdown.mainDone(); // after the journal is closed: the handler's exit must not cut that short
            }
        }
    }

    /**
     * {@code hash-password [--iterations N]}: reads a password and prints the hash an accounts
     * file holds for it. Never from the command line, which other users see in {@code ps} and
     * the shell keeps in its history: from the terminal without echo (twice), else one line of
     * standard input. Returns the exit status.
     */
    static int hashPassword(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err) {
        int iterations = PasswordHash.RECOMMENDED_ITERATIONS;
        try {
            if (args.length == 2 && args[0].equals("--iterations")) {
                iterations = Integer.parseInt(args[1]);
            } else if (args.length != 0) {
                throw new IllegalArgumentException("usage: hash-password [--iterations N]");
            }
            String password = readPassword(console, stdin);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("no password given");
            }
            if (password.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a password cannot hold a space: LOGIN separates its words with them");
            }
            out.println(PasswordHash.of(password, iterations));
            return 0;
        } catch (IllegalArgumentException e) { // NumberFormatException too
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("error: cannot read the password: " + e.getMessage());
            return 1;
        }
    }

    private static String readPassword(Console console, InputStream stdin) throws IOException {
        if (console == null) {
            return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        }
        char[] first = console.readPassword("password: ");
        char[] again = console.readPassword("again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
            throw new IllegalArgumentException("the two passwords differ");
        }
        return new String(first);
    }

    /** A port in use or an unknown host is the learner's most common mistake: say it in one line. */
    private static BankServer listenOrExit(ServerOptions options, Ledger ledger) {
        try {
            return new BankServer(new InetAddress(options.host(), options.port()), options.maxFrame(),
                    options.ioThreads(), options.workers(), ledger);
        } catch (IOException | IllegalArgumentException e) {
            throw exit("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
        }
    }

    private static List<Account> loadAccountsOrExit(ServerOptions options) {
        if (options.demo()) {
            System.err.println("using the demo accounts alice and bob, whose passwords are in the README: not for real money");
            return Account.demo();
        }
        List<Account> accounts;
        try {
            accounts = AccountsFile.load(options.accountsFile());
        } catch (IOException e) {
            throw exit("error: accounts " + e.getMessage());
        }
        long weak = accounts.stream().filter(account -> account.credential() instanceof PasswordHash hash
                && hash.iterations() < PasswordHash.RECOMMENDED_ITERATIONS).count();
        if (weak > 0) {
            System.err.println("warning: " + options.accountsFile() + ": " + weak + " of " + accounts.size()
                    + " password hashes have fewer than " + PasswordHash.RECOMMENDED_ITERATIONS
                    + " iterations; make them again with hash-password");
        }
        return accounts;
    }

    private static Journal openJournalOrExit(ServerOptions options) {
        try {
            return Journal.open(options.dataDir());
        } catch (IOException e) {
            throw exit("error: cannot open the journal in " + options.dataDir() + ": " + e.getMessage());
        }
    }

    /** Before the server listens: no command can see the balances half replayed. */
    private static void replayOrExit(Journal journal, Ledger ledger) {
        try {
            int lines = journal.replay(ledger);
            System.err.println("replayed " + lines + (lines == 1 ? " line of " : " lines of ") + journal);
        } catch (IOException e) {
            throw exit("error: " + e.getMessage());
        }
    }

    /** One line on stderr, exit status 1: nothing to serve. */
    private static IllegalStateException exit(String line) {
        System.err.println(line);
        System.exit(1);
        return new IllegalStateException(line); // not reached
    }
}
