package course.reactor;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The accounts and the money moving between them. Called from many worker threads at once.
 *
 * <p>A transfer locks both accounts, the one whose user sorts first first. Two transfers that
 * share both accounts (alice to bob and bob to alice) therefore ask for the same lock first: one
 * gets it, the other waits without holding anything, so no cycle of waiting threads, no deadlock.
 * Transfers on different accounts take different locks and run in parallel.
 *
 * <p>Each transfer carries its payer's id for it. Inside the locks, an id already used gets its
 * first outcome back, and a new one is decided (made, or refused for want of funds), recorded,
 * and remembered: a client that lost its connection before the reply can send the same transfer
 * again, and money moves at most once.
 */
final class Ledger {
    /** The largest amount the protocol and the files take: 18 digits always fit in a long. */
    private static final int MAX_DIGITS = 18;
    /** The longest client-supplied name a reply repeats, in characters (code points). */
    private static final int MAX_ECHOED = 20;

    /** Fixed after construction, so threads read it without a lock; each Account guards its balance. */
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Recorder recorder;
    /** What a login for a user who does not exist is checked against, so that it takes as long. */
    private final Credential nobody;
    /** Set once the recorder has failed: from then on the ledger refuses transfers until a restart. */
    private volatile boolean recorderFailed;

    Ledger(Collection<Account> accounts, Recorder recorder) {
        for (Account account : accounts) {
            if (this.accounts.putIfAbsent(account.user(), account) != null) {
                throw new IllegalArgumentException("two accounts for user " + account.user());
            }
        }
        if (this.accounts.isEmpty()) {
            throw new IllegalArgumentException("a bank needs an account");
        }
        this.recorder = recorder;
        // Accounts hashed with one count (hash-password's) cost the same to check as this.
        this.nobody = this.accounts.values().iterator().next().credential().decoy();
    }

    /** Whole cents, as the protocol and the files write them: digits only, no sign, no point. */
    static long parseCents(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException("not a whole number of cents: " + text);
        }
        return Long.parseLong(text);
    }

    /** Slow (the password hash): on a worker thread. */
    boolean authenticate(String user, String password) {
        Account account = accounts.get(user);
        if (account == null) {
            nobody.matches(password); // the same work: the time taken does not tell who has an account
            return false;
        }
        return account.credential().matches(password);
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
     * Moves money and returns the payer's new balance; or, for an id the payer has used before,
     * the first outcome again: its balance then, or its refusal. The decision is recorded, not
     * yet on the disk, when this returns: its reply must wait, see Recorder.whenDurable.
     */
    long transfer(Transfer transfer) throws BankException {
        Account source = account(transfer.payer());
        Account target = checked(transfer, source);
        synchronized (first(source, target)) {
            synchronized (second(source, target)) {
                Outcome first = source.outcome(transfer.id());
                if (first != null) {
                    return first.repeatFor(transfer);
                }
                BankException refusal = refusal(source, target, transfer.cents());
                record(transfer, refusal == null); // inside the locks: the journal's order is the order applied
                Outcome outcome = apply(source, target, transfer, refusal);
                source.remember(transfer.id(), outcome);
                return outcome.repeatFor(transfer);
            }
        }
    }

    /**
     * A decision from the journal, at start: checked like a new transfer, and it must come out
     * the same way (a transfer that was made must fit, a refused one must still not).
     */
    void replay(Transfer transfer, boolean made) throws BankException {
        Account source = account(transfer.payer());
        Account target = checked(transfer, source);
        synchronized (first(source, target)) {
            synchronized (second(source, target)) {
                if (source.outcome(transfer.id()) != null) {
                    throw new BankException("ID", "id " + transfer.id() + " of " + transfer.payer() + " was used before");
                }
                BankException refusal = refusal(source, target, transfer.cents());
                if (made && refusal != null) {
                    throw refusal;
                }
                if (!made && refusal == null) {
                    throw new BankException("FUNDS", "recorded as refused, but the balance allows it");
                }
                source.remember(transfer.id(), apply(source, target, transfer, refusal));
            }
        }
    }

    /** What became of {@code payer}'s transfer {@code id}; null if none has it (so far). */
    Outcome outcome(String payer, String id) throws BankException {
        // The account's monitor: a transfer with this id being decided holds it, so the answer
        // comes once that transfer is decided, never half way.
        return account(payer).outcome(id);
    }

    /** The checks that need no lock: a bad request is refused the same way every time, and not recorded. */
    private Account checked(Transfer transfer, Account source) throws BankException {
        if (transfer.cents() <= 0) {
            throw new BankException("ARG", "the amount must be at least 1 cent");
        }
        if (transfer.payee().equals(transfer.payer())) {
            throw new BankException("ARG", "cannot transfer to yourself");
        }
        return account(transfer.payee());
    }

    private static Account first(Account source, Account target) {
        return source.user().compareTo(target.user()) < 0 ? source : target;
    }

    private static Account second(Account source, Account target) {
        return first(source, target) == source ? target : source;
    }

    /** The checks that depend on the balances, under both locks; null if the transfer may go. */
    private static BankException refusal(Account source, Account target, long cents) {
        if (source.cents() < cents) {
            return new BankException("FUNDS", "balance " + source.cents() + " is less than " + cents);
        }
        if (target.cents() > Long.MAX_VALUE - cents) {
            return new BankException("ARG", "the amount is too large");
        }
        return null;
    }

    private static Outcome apply(Account source, Account target, Transfer transfer, BankException refusal) {
        if (refusal == null) {
            source.add(-transfer.cents());
            target.add(transfer.cents());
        }
        return new Outcome(target.user(), transfer.cents(), source.cents(), refusal);
    }

    private void record(Transfer transfer, boolean made) throws BankException {
        if (recorderFailed) {
            throw new BankException("UNAVAILABLE", "the journal has failed; no transfers until a restart");
        }
        try {
            recorder.record(transfer, made);
        } catch (IOException e) {
            // The journal's end is in doubt, and a disk that failed once is not trusted with the next
            // transfer: refuse them all until a person has looked and restarted.
            recorderFailed = true;
            System.err.println("journal failed, refusing transfers from now on: " + e);
            throw unavailable(e);
        }
    }

    private Account account(String user) throws BankException {
        Account account = accounts.get(user);
        if (account == null) {
            throw new BankException("ACCOUNT", "no such account: " + echoed(user));
        }
        return account;
    }

    /** A name the client sent, cut short for a reply: a frame may hold a kilobyte of name. */
    static String echoed(String name) {
        if (name.length() <= MAX_ECHOED || name.codePointCount(0, name.length()) <= MAX_ECHOED) {
            return name;
        }
        return name.substring(0, name.offsetByCodePoints(0, MAX_ECHOED)) + "…";
    }

    /**
     * What became of one transfer id: made (the payer's balance just after it) or refused (why).
     * Kept for every id ever used, like the journal's lines.
     */
    record Outcome(String payee, long cents, long balance, BankException refusal) {
        boolean made() {
            return refusal == null;
        }

        /** The first outcome again, for a repeat that asks for the same transfer. */
        long repeatFor(Transfer transfer) throws BankException {
            if (!payee.equals(transfer.payee()) || cents != transfer.cents()) {
                throw new BankException("ID", "id " + transfer.id() + " was used for another transfer");
            }
            if (refusal != null) {
                throw refusal;
            }
            return balance;
        }
    }

    /** The sequence number of the last decision recorded: a reply that read the ledger may leave once it is on disk. */
    long lastDecision() {
        return recorder.lastRecorded();
    }

    Recorder recorder() {
        return recorder;
    }

    /** The refusal for a reply whose decisions the recorder could not put on disk, or a transfer it would not take. */
    static BankException unavailable(IOException failure) {
        return new BankException("UNAVAILABLE", "the journal failed; " + (failure instanceof NotRecordedException
                ? "unconfirmed transfers were not made"
                : "unconfirmed transfers may still be on disk (ask STATUS after a restart)")
                + "; no transfers until a restart");
    }

    /**
     * Where each decision goes before the balances change: the journal, or nowhere. A recorder
     * that is only a record() (a lambda in a test) has the decision on disk when it returns;
     * the journal only numbers and queues it, and says later when it is on disk.
     */
    @FunctionalInterface
    interface Recorder {
        Recorder NONE = (transfer, made) -> { };

        /**
         * Takes the decision (made, or refused), under the transfer's account locks. Throws
         * NotRecordedException if it surely is not recorded; any other IOException means it
         * may be, or part of it.
         */
        void record(Transfer transfer, boolean made) throws IOException;

        /** The sequence number of the last decision taken; 0 for a recorder that does not number them. */
        default long lastRecorded() {
            return 0;
        }

        /**
         * Calls {@code then} with null once every decision up to {@code sequence} is on disk, or
         * with the reason it never will be; here, at once, for a recorder whose record() returns
         * only then.
         */
        default void whenDurable(long sequence, Consumer<IOException> then) {
            then.accept(null);
        }

        /** A command went to a worker: it may take a decision soon (the journal's commit delay waits for it). */
        default void commandInWork() {
        }

        /** A worker has finished a command that commandInWork() announced, whatever it did. */
        default void commandDone() {
        }

        /** Waits until every decision taken so far is on disk (or has failed) and its waiters told; false past the deadline. */
        default boolean awaitDurable(long deadlineNanos) {
            return true;
        }
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
