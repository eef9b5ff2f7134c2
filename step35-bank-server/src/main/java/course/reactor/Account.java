package course.reactor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * One bank account: its owner, a digest of the password, and the balance in whole cents. A
 * long, never a double: 0.1 + 0.2 is not 0.3 in floating point, and money must add up exactly.
 * The balance is guarded by the account's monitor; Ledger takes two of them in a fixed order.
 */
final class Account {
    private final String user;
    /** Only a digest is kept: equal lengths to compare in constant time, and no password in a heap dump. */
    private final byte[] passwordDigest;
    /** Guarded by this. */
    private long cents;

    Account(String user, String password, long cents) {
        this.user = user;
        this.passwordDigest = digest(password);
        this.cents = cents;
    }

    /** The two accounts a server has when it is given none: enough to try every command. */
    static List<Account> demo() {
        return List.of(new Account("alice", "alice-secret", 100_000), new Account("bob", "bob-secret", 100_000));
    }

    String user() {
        return user;
    }

    boolean passwordMatches(String password) {
        return matches(passwordDigest, password);
    }

    /**
     * MessageDigest.isEqual looks at every byte whatever the first difference, so the time a
     * wrong guess takes says nothing about how close it was.
     */
    static boolean matches(byte[] digest, String password) {
        return MessageDigest.isEqual(digest, digest(password));
    }

    static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    synchronized long cents() {
        return cents;
    }

    /** The caller holds this account's monitor already when it moves money (reentrant). */
    synchronized void add(long delta) {
        cents += delta;
    }

    /** The user only: an account is never printed with its password. */
    @Override
    public String toString() {
        return user;
    }
}
