package course.reactor;

/**
 * What the bank remembers about one connection (会话, a session): who logged in on it, and
 * whether it has logged out. It lives in the connection's context and dies with it.
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
    /** Set by LOGOUT: the connection closes once the reply is out, and nothing more is answered. */
    private boolean over;

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

    boolean isOver() {
        return over;
    }
}
