package course.reactor;

/**
 * A command the bank refuses, with the code its reply starts with: {@code ERR FUNDS ...}. The
 * client gets the reply and keeps its connection; nothing has changed.
 */
final class BankException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    BankException(String code, String message) {
        // No stack trace: a refusal is an answer, not a bug, and the ledger keeps some of them.
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }

    /** The reply line: {@code ERR CODE message}. */
    String reply() {
        return "ERR " + code + " " + getMessage();
    }
}
