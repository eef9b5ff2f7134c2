package course.reactor;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bank's business logic (业务逻辑): one command in, one reply out. Every message body is one
 * UTF-8 command, every reply one line starting with {@code OK} or {@code ERR CODE}. It knows
 * nothing of sockets or threads, so a test can drive it with plain strings.
 */
final class BankProtocol {
    /** Failed logins a connection may make; the last one's reply closes it. */
    static final int MAX_FAILED_LOGINS = 3;
    /** Transfers to names without an account a session may try; the last one's reply closes it. */
    static final int MAX_UNKNOWN_PAYEES = 10;
    /** How much of an unknown command word a reply repeats back. */
    private static final int ECHOED_WORD_CHARS = 20;

    private final Ledger ledger;
    private final LoginThrottle throttle;

    BankProtocol(Ledger ledger, LoginThrottle throttle) {
        this.ledger = ledger;
        this.throttle = throttle;
    }

    /**
     * The one place where a message's bytes become a command: the text, or null if the bytes
     * are not UTF-8 (handle() answers that).
     */
    static String decode(byte[] body) {
        boolean ascii = true;
        for (byte b : body) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return new String(body, StandardCharsets.US_ASCII); // every command a client of ours sends, and valid UTF-8
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A command that needs no worker: it reads no account and waits for nothing. */
    static boolean isHeartbeat(String command) {
        return command != null && Command.named(firstWord(command)) == Command.HEARTBEAT;
    }

    private static String firstWord(String command) {
        String text = command.strip();
        int end = 0;
        while (end < text.length() && !isSpace(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end); // as words() splits it
    }

    /**
     * The words of a command: what {@code command.strip().split("\\s+")} gives, by hand, since
     * a regex split costs the IO thread and the workers a few percent of all their time.
     */
    static String[] words(String command) {
        String text = command.strip(); // it neither starts nor ends with a space now
        List<String> words = new ArrayList<>(4);
        int start = 0;
        while (true) {
            int end = start;
            while (end < text.length() && !isSpace(text.charAt(end))) {
                end++;
            }
            words.add(text.substring(start, end));
            if (end == text.length()) {
                return words.toArray(new String[0]);
            }
            start = end;
            while (isSpace(text.charAt(start))) {
                start++;
            }
        }
    }

    /** What the regex {@code \\s} matches: ASCII white space only, as the protocol's spaces are. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The reply to {@code command} (null: a message that was not UTF-8). */
    String handle(Session session, String command) {
        if (command == null) {
            return "ERR UNKNOWN a command is UTF-8 text";
        }
        String[] words = words(command);
        Command named = Command.named(words[0]);
        if (named == null) {
            return words[0].isEmpty() ? "ERR UNKNOWN empty command" : "ERR UNKNOWN no command "
                    + words[0].substring(0, Math.min(words[0].length(), ECHOED_WORD_CHARS)) + "; try " + Command.list();
        }
        if (named.needsLogin && !session.isLoggedIn()) {
            return "ERR LOGIN login first";
        }
        if (words.length - 1 != named.arguments) {
            return "ERR ARG usage: " + named.usage;
        }
        try {
            return switch (named) {
                case LOGIN -> login(session, words[1], words[2]);
                case BALANCE -> "OK " + ledger.balance(session.user());
                case TRANSFER -> transfer(session, words[1], words[2], words[3]);
                case STATUS -> status(session, words[1]);
                case HEARTBEAT -> "OK";
                case LOGOUT -> {
                    session.logout();
                    yield "OK bye";
                }
            };
        } catch (BankException e) {
            return e.reply();
        } finally {
            if (named.readsLedger) {
                // After the read: every decision it may have seen is numbered at most this.
                session.read(ledger.lastDecision());
            }
        }
    }

    /** Slow on purpose (the password hash), and run on a worker like every command but HEARTBEAT. */
    private String login(Session session, String user, String password) {
        if (session.isLoggedIn()) {
            return "ERR LOGIN already logged in as " + session.user();
        }
        // The log names the peer and the user it tried, never the password. A name that is
        // nobody's is not repeated: it may be a password typed into the wrong field, or junk.
        String who = ledger.hasAccount(user) ? "user " + user : "an unknown user";
        Duration wait = throttle.waitFor(user);
        String reply;
        if (!wait.isZero()) {
            System.err.println("login throttled from " + session.peer() + " for " + who);
            reply = "ERR AUTH too many failed logins for this name; try again in " + secondsUp(wait) + " s";
        } else if (!ledger.authenticate(user, password)) {
            throttle.failed(user);
            System.err.println("login refused from " + session.peer() + " for " + who);
            reply = "ERR AUTH bad user or password"; // not which of the two: no help for guessing
        } else {
            throttle.succeeded(user);
            session.login(user);
            System.err.println(user + " logged in from " + session.peer());
            return "OK welcome " + user;
        }
        if (session.failedLogin() >= MAX_FAILED_LOGINS) {
            System.err.println("closing " + session.peer() + ": " + MAX_FAILED_LOGINS + " failed logins");
            session.end();
            return reply + "; " + MAX_FAILED_LOGINS + " failed logins, closing the connection";
        }
        return reply;
    }

    private static long secondsUp(Duration wait) {
        return (wait.toNanos() + 999_999_999) / 1_000_000_000;
    }

    private String transfer(Session session, String id, String to, String amount) throws BankException {
        if (!Transfer.isId(id)) {
            throw new BankException("ARG", Transfer.ID_RULE);
        }
        long cents;
        try {
            cents = Ledger.parseCents(amount);
        } catch (NumberFormatException e) {
            throw new BankException("ARG", "the amount is a whole number of cents, like 2500 for 25.00");
        }
        try {
            return "OK " + ledger.transfer(new Transfer(session.user(), id, to, cents));
        } catch (BankException e) {
            if (e.code().equals("ACCOUNT") && session.unknownPayee() >= MAX_UNKNOWN_PAYEES) {
                // A customer may learn whether a payee exists, as on any bank's transfer form; not a list of them.
                System.err.println("closing " + session.peer() + ": " + MAX_UNKNOWN_PAYEES + " transfers to unknown accounts");
                session.end();
                return e.reply() + "; " + MAX_UNKNOWN_PAYEES + " unknown payees, closing the connection";
            }
            throw e;
        }
    }

    private String status(Session session, String id) throws BankException {
        if (!Transfer.isId(id)) {
            throw new BankException("ARG", Transfer.ID_RULE);
        }
        Ledger.Outcome outcome = ledger.outcome(session.user(), id);
        if (outcome == null) {
            return "OK NONE";
        }
        return "OK " + (outcome.made() ? "MADE " : "REFUSED ") + outcome.payee() + " " + outcome.cents();
    }

    /** The commands, each with its number of arguments, whether it needs a login first, whether it reads the money. */
    private enum Command {
        LOGIN(2, false, false, "LOGIN <user> <password>"),
        BALANCE(0, true, true, "BALANCE"),
        TRANSFER(3, true, true, "TRANSFER <id> <to-user> <cents>"),
        STATUS(1, true, true, "STATUS <id>"),
        HEARTBEAT(0, false, false, "HEARTBEAT"),
        LOGOUT(0, true, false, "LOGOUT");

        /** values() copies its array on every call. */
        private static final Command[] ALL = values();
        final int arguments;
        final boolean needsLogin;
        /** Its reply tells something about the money: it must wait for the disk (Session.read). */
        final boolean readsLedger;
        final String usage;

        Command(int arguments, boolean needsLogin, boolean readsLedger, String usage) {
            this.arguments = arguments;
            this.needsLogin = needsLogin;
            this.readsLedger = readsLedger;
            this.usage = usage;
        }

        /** Typing {@code balance} works too. */
        static Command named(String word) {
            String upper = word.toUpperCase(Locale.ROOT);
            for (Command command : ALL) {
                if (command.name().equals(upper)) {
                    return command;
                }
            }
            return null;
        }

        static String list() {
            StringBuilder names = new StringBuilder();
            for (Command command : values()) {
                names.append(names.length() == 0 ? "" : ", ").append(command.name());
            }
            return names.toString();
        }
    }
}
