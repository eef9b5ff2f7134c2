package course.reactor;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The accounts and the money moving between them. Called from many worker threads at once.
 *
 * <p>A transfer locks both accounts, the one whose user sorts first first. Two transfers that
 * share both accounts (alice to bob and bob to alice) therefore ask for the same lock first: one
 * gets it, the other waits without holding anything, so no cycle of waiting threads, no deadlock.
 * Transfers on different accounts take different locks and run in parallel.
 */
final class Ledger {
    /** The largest amount the protocol and the files take: 18 digits always fit in a long. */
    private static final int MAX_DIGITS = 18;
    /** The longest client-supplied name a reply repeats, in characters (code points). */
    private static final int MAX_ECHOED = 20;
    /** What a login for a user who does not exist compares against, so that it takes as long. */
    private static final byte[] NOBODY = Account.digest("no such user");

    /** Fixed after construction, so threads read it without a lock; each Account guards its balance. */
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Recorder recorder;
    /** Set once the recorder has failed: from then on the ledger refuses transfers until a restart. */
    private volatile boolean recorderFailed;

    Ledger(Collection<Account> accounts, Recorder recorder) {
        for (Account account : accounts) {
            if (this.accounts.putIfAbsent(account.user(), account) != null) {
                throw new IllegalArgumentException("two accounts for user " + account.user());
            }
        }
        this.recorder = recorder;
    }

    /** Whole cents, as the protocol and the files write them: digits only, no sign, no point. */
    static long parseCents(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException("not a whole number of cents: " + text);
        }
        return Long.parseLong(text);
    }

    boolean authenticate(String user, String password) {
        Account account = accounts.get(user);
        if (account == null) {
            Account.matches(NOBODY, password); // the same work: the time taken does not tell who has an account
            return false;
        }
        return account.passwordMatches(password);
    }

    boolean hasAccount(String user) {
        return accounts.containsKey(user);
    }

    long balance(String user) throws BankException {
        return account(user).cents();
    }

    /** The sum of every balance: what no transfer may change (exact while no transfer runs). */
    long total() {
        return accounts.values().stream().mapToLong(Account::cents).sum();
    }

    /**
     * Moves money and returns the payer's new balance. The recorder (the journal) has the
     * transfer on disk before the balances change: once this returns, a crash loses nothing.
     */
    long transfer(String from, String to, long cents) throws BankException {
        return move(from, to, cents, true);
    }

    /** A transfer from the journal, at start: checked like a new one, but not recorded again. */
    void replay(String from, String to, long cents) throws BankException {
        move(from, to, cents, false);
    }

    private long move(String from, String to, long cents, boolean record) throws BankException {
        if (cents <= 0) {
            throw new BankException("ARG", "the amount must be at least 1 cent");
        }
        if (from.equals(to)) {
            throw new BankException("ARG", "cannot transfer to yourself");
        }
        Account source = account(from);
        Account target = account(to);
        boolean sourceFirst = source.user().compareTo(target.user()) < 0;
        Account first = sourceFirst ? source : target;
        Account second = sourceFirst ? target : source;
        synchronized (first) {
            synchronized (second) {
                if (source.cents() < cents) {
                    throw new BankException("FUNDS", "balance " + source.cents() + " is less than " + cents);
                }
                if (target.cents() > Long.MAX_VALUE - cents) {
                    throw new BankException("ARG", "the amount is too large");
                }
                if (record) {
                    record(from, to, cents); // inside the locks: the journal's order is the order applied
                }
                source.add(-cents);
                target.add(cents);
                return source.cents();
            }
        }
    }

    private void record(String from, String to, long cents) throws BankException {
        if (recorderFailed) {
            throw new BankException("UNAVAILABLE", "the journal has failed; no transfers until a restart");
        }
        try {
            recorder.record(from, to, cents);
        } catch (IOException e) {
            // The journal's end is in doubt, and a disk that failed once is not trusted with the next
            // transfer: refuse them all until a person has looked and restarted.
            recorderFailed = true;
            System.err.println("journal failed, refusing transfers from now on: " + e);
            throw new BankException("UNAVAILABLE", "the journal failed; " + (e instanceof NotRecordedException
                    ? "this transfer was not made"
                    : "this transfer may still be on disk (check BALANCE after a restart)")
                    + "; no transfers until a restart");
        }
    }

    private Account account(String user) throws BankException {
        Account account = accounts.get(user);
        if (account == null) {
            throw new BankException("ACCOUNT", "no such account: " + echoed(user));
        }
        return account;
    }

    /** A name the client sent, cut short for a reply: a frame may hold a megabyte of name. */
    static String echoed(String name) {
        if (name.length() <= MAX_ECHOED || name.codePointCount(0, name.length()) <= MAX_ECHOED) {
            return name;
        }
        return name.substring(0, name.offsetByCodePoints(0, MAX_ECHOED)) + "…";
    }

    /** Where each transfer goes before the balances change: the journal, or nowhere. */
    @FunctionalInterface
    interface Recorder {
        Recorder NONE = (from, to, cents) -> { };

        /**
         * Returns once the transfer is on disk. Throws NotRecordedException if it surely is not;
         * any other IOException means it may be, or part of it.
         */
        void record(String from, String to, long cents) throws IOException;
    }

    /** A record() that failed and left nothing of the transfer on disk: the client may retry after a restart. */
    static final class NotRecordedException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRecordedException(String message) {
            super(message);
        }

        NotRecordedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
