package course.reactor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Banks for tests: accounts whose password is the user's name plus "-secret", 100000 cents each. */
final class TestBank {
    static final long OPENING_CENTS = 100_000;

    private TestBank() {
    }

    static List<Account> accounts(String... users) {
        List<Account> accounts = new ArrayList<>();
        for (String user : users) {
            accounts.add(new Account(user, user + "-secret", OPENING_CENTS));
        }
        return accounts;
    }

    /** A ledger in memory only. */
    static Ledger ledger(String... users) {
        return new Ledger(accounts(users), Ledger.Recorder.NONE);
    }

    /** A server on 127.0.0.1 and a free port; a LoopThread runs it. */
    static BankServer server(int ioThreads, int workers, Ledger ledger) throws IOException {
        return new BankServer(new InetAddress("127.0.0.1", 0), 1 << 20, ioThreads, workers, ledger);
    }
}
