package course.reactor;

/**
 * What the bank remembers about one connection (会话, a session): who logged in on it, how
 * often it failed to, and whether it is over. It lives in the connection's context and dies
 * with it.
 *
 * <p>No lock: one thread at a time touches a session. Its connection's commands run one after
 * another (SerialExecutor), and when the next one runs on another worker, the hand-over passes
 * through the executor's monitor, which also makes the last command's writes visible.
 */
final class Session {
    /** Who is on the other end, for the log. */
    private final String peer;
    /** Null until a LOGIN succeeds. */
    private String user;
    /** Set by LOGOUT, or by a limit: the connection closes once the reply is out, and nothing more is answered. */
    private boolean over;
    private int failedLogins;
    private int unknownPayees;
    /** The last ledger decision a reply of this session may depend on; its replies leave once it is on disk. */
    private long seen;

    Session(String peer) {
        this.peer = peer;
    }

    String peer() {
        return peer;
    }

    String user() {
        return user;
    }

    boolean isLoggedIn() {
        return user != null;
    }

    void login(String user) {
        this.user = user;
    }

    void logout() {
        user = null;
        over = true;
    }

    /** The reply being made is the last: the connection closes after it. */
    void end() {
        over = true;
    }

    boolean isOver() {
        return over;
    }

    /**
     * A reply is being made from the ledger, whose last decision is now {@code decision}. The
     * ledger's count only grows, so each reply waits at least for what the one before it waited
     * for, and they leave in order.
     */
    void read(long decision) {
        seen = decision;
    }

    /** The decision this session's next reply must see on disk first: the last one it read; 0 if none. */
    long seen() {
        return seen;
    }

    /** Counts a failed LOGIN on this connection and returns how many there have been. */
    int failedLogin() {
        return ++failedLogins;
    }

    /** Counts a TRANSFER to a name that has no account and returns how many there have been. */
    int unknownPayee() {
        return ++unknownPayees;
    }
}
