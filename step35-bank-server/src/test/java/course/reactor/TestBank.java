package course.reactor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Banks for tests: accounts whose password is the user's name plus "-secret", 100000 cents each,
 * hashed with few iterations (tests log in thousands of times; the server warns about them).
 */
final class TestBank {
    static final long OPENING_CENTS = 100_000;
    /** A real PBKDF2 hash, a thousandth of the recommended cost. */
    static final int ITERATIONS = 1_000;

    private TestBank() {
    }

    static List<Account> accounts(String... users) {
        List<Account> accounts = new ArrayList<>();
        for (String user : users) {
            accounts.add(new Account(user, PasswordHash.of(user + "-secret", ITERATIONS), OPENING_CENTS));
        }
        return accounts;
    }

    /** The same accounts as an accounts file in {@code dir}, for the packaged jar. */
    static Path accountsFile(Path dir, String... users) throws IOException {
        StringBuilder text = new StringBuilder("# user  hash  cents\n");
        for (String user : users) {
            text.append(user).append(' ').append(PasswordHash.of(user + "-secret", ITERATIONS)).append(' ')
                    .append(OPENING_CENTS).append('\n');
        }
        return Files.writeString(dir.resolve("accounts.txt"), text);
    }

    /** A ledger in memory only. */
    static Ledger ledger(String... users) {
        return new Ledger(accounts(users), Ledger.Recorder.NONE);
    }

    /** A server on 127.0.0.1 and a free port; a LoopThread runs it. */
    static BankServer server(int ioThreads, int workers, Ledger ledger) throws IOException {
        return new BankServer(new InetAddress("127.0.0.1", 0), BankServer.DEFAULT_MAX_FRAME, ioThreads, workers, ledger);
    }
}
