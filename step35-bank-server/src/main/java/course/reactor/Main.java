package course.reactor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Lesson 35: an online bank on the server of lesson 33: sessions, workers, a journal on disk. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        List<Account> accounts = loadAccountsOrExit(options);
        SignalShutdown shutdown = null;
        try (Journal journal = options.dataDir() == null ? null : openJournalOrExit(options)) {
            Ledger ledger = new Ledger(accounts, journal == null ? Ledger.Recorder.NONE : journal);
            if (journal != null) {
                replayOrExit(journal, ledger);
            }
            BankServer server = listenOrExit(options, ledger);
            server.setIdleTimeout(Duration.ofSeconds(options.idleTimeoutSeconds()));
            server.setShutdownTimeout(Duration.ofSeconds(options.shutdownTimeoutSeconds()));

            System.out.println("listening on " + server.address());

            shutdown = SignalShutdown.install(server::close);
            try {
                server.start(); // returns once close() has run: the hook's exit decides the status
            } catch (IOException | RuntimeException e) {
                shutdown.mainFailed();
                throw e;
            }
        } finally {
            if (shutdown != null) {
                shutdown.mainDone(); // after the journal is closed: the hook's exit must not cut that short
            }
        }
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
        if (options.accountsFile() == null) {
            return Account.demo();
        }
        try {
            return AccountsFile.load(options.accountsFile());
        } catch (IOException e) {
            throw exit("error: accounts " + e.getMessage());
        }
    }

    private static Journal openJournalOrExit(ServerOptions options) {
        try {
            return Journal.open(options.dataDir());
        } catch (IOException e) {
            throw exit("error: cannot open the journal in " + options.dataDir() + ": " + e);
        }
    }

    /** Before the server listens: no command can see the balances half replayed. */
    private static void replayOrExit(Journal journal, Ledger ledger) {
        try {
            int transfers = journal.replay(ledger);
            System.err.println("replayed " + transfers + " transfers from " + journal);
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
