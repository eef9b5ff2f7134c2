package course.reactor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One bank account: its owner, what checks the password, the balance in whole cents, and what
 * became of each transfer id its owner has used. Cents in a long, never a double: 0.1 + 0.2 is
 * not 0.3 in floating point, and money must add up exactly. The balance and the ids are guarded
 * by the account's monitor; Ledger takes two of them in a fixed order.
 */
final class Account {
    /**
     * The demo's accounts, as hash-password made them for "alice-secret" and "bob-secret" (the
     * README prints these passwords: the demo is for trying the commands, never for money).
     */
    private static final String DEMO_ALICE = "pbkdf2-sha256$600000$tw/eD/cRv4O1cq1Oeek6dg$8Wpm+0vj5Sywt4PHNc8IO3YLJ9tnVpYUwKhc3QV59vE";
    private static final String DEMO_BOB = "pbkdf2-sha256$600000$4AJ5QNXSafJYRVpoeNLhgA$KeHeMJFhLZKEjyfInl5ERcSs2CI74nQiqUGGEp5qOLQ";

    private final String user;
    /** Never the password itself: nothing in the file or in a heap dump gives it away. */
    private final Credential credential;
    /** Guarded by this. */
    private long cents;
    /** Guarded by this: the first outcome of each transfer id this account has paid with. */
    private final Map<String, Ledger.Outcome> outcomes = new HashMap<>();

    Account(String user, Credential credential, long cents) {
        this.user = user;
        this.credential = credential;
        this.cents = cents;
    }

    /** alice and bob, 100000 cents each: enough to try every command. */
    static List<Account> demo() {
        return List.of(new Account("alice", PasswordHash.parse(DEMO_ALICE), 100_000),
                new Account("bob", PasswordHash.parse(DEMO_BOB), 100_000));
    }

    String user() {
        return user;
    }

    Credential credential() {
        return credential;
    }

    synchronized long cents() {
        return cents;
    }

    /** The caller holds this account's monitor already when it moves money (reentrant). */
    synchronized void add(long delta) {
        cents += delta;
    }

    /** Null if the id is new. */
    synchronized Ledger.Outcome outcome(String id) {
        return outcomes.get(id);
    }

    synchronized void remember(String id, Ledger.Outcome outcome) {
        outcomes.put(id, outcome);
    }

    /** The user only: an account is never printed with its credential. */
    @Override
    public String toString() {
        return user;
    }
}
