package course.reactor;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The bank's business logic (业务逻辑): one command in, one reply out. Every message body is one
 * UTF-8 command, every reply one line starting with {@code OK} or {@code ERR CODE}. It knows
 * nothing of sockets or threads, so a test can drive it with plain strings.
 */
final class BankProtocol {
    /** How much of an unknown command word a reply repeats back. */
    private static final int ECHOED_WORD_CHARS = 20;

    private final Ledger ledger;

    BankProtocol(Ledger ledger) {
        this.ledger = ledger;
    }

    String handle(Session session, byte[] body) {
        try {
            return handle(session, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            return "ERR UNKNOWN a command is UTF-8 text";
        }
    }

    String handle(Session session, String text) {
        String[] words = text.strip().split("\\s+");
        Command command = Command.named(words[0]);
        if (command == null) {
            return words[0].isEmpty() ? "ERR UNKNOWN empty command" : "ERR UNKNOWN no command "
                    + words[0].substring(0, Math.min(words[0].length(), ECHOED_WORD_CHARS)) + "; try " + Command.list();
        }
        if (command.needsLogin && !session.isLoggedIn()) {
            return "ERR LOGIN login first";
        }
        if (words.length - 1 != command.arguments) {
            return "ERR ARG usage: " + command.usage;
        }
        try {
            return switch (command) {
                case LOGIN -> login(session, words[1], words[2]);
                case BALANCE -> "OK " + ledger.balance(session.user());
                case TRANSFER -> transfer(session, words[1], words[2]);
                case HEARTBEAT -> "OK";
                case LOGOUT -> {
                    session.logout();
                    yield "OK bye";
                }
            };
        } catch (BankException e) {
            return e.reply();
        }
    }

    private String login(Session session, String user, String password) {
        if (session.isLoggedIn()) {
            return "ERR LOGIN already logged in as " + session.user();
        }
        if (!ledger.authenticate(user, password)) {
            // The log names the peer and the user it tried, never the password. A name that is
            // nobody's is not repeated: it may be a password typed into the wrong field, or junk.
            System.err.println("login refused from " + session.peer() + " for "
                    + (ledger.hasAccount(user) ? "user " + user : "an unknown user"));
            return "ERR AUTH bad user or password"; // not which of the two: no help for guessing
        }
        session.login(user);
        System.err.println(user + " logged in from " + session.peer());
        return "OK welcome " + user;
    }

    private String transfer(Session session, String to, String amount) throws BankException {
        long cents;
        try {
            cents = Ledger.parseCents(amount);
        } catch (NumberFormatException e) {
            throw new BankException("ARG", "the amount is a whole number of cents, like 2500 for 25.00");
        }
        return "OK " + ledger.transfer(session.user(), to, cents);
    }

    /** The commands, each with its number of arguments and whether it needs a login first. */
    private enum Command {
        LOGIN(2, false, "LOGIN <user> <password>"),
        BALANCE(0, true, "BALANCE"),
        TRANSFER(2, true, "TRANSFER <to-user> <cents>"),
        HEARTBEAT(0, false, "HEARTBEAT"),
        LOGOUT(0, true, "LOGOUT");

        final int arguments;
        final boolean needsLogin;
        final String usage;

        Command(int arguments, boolean needsLogin, String usage) {
            this.arguments = arguments;
            this.needsLogin = needsLogin;
            this.usage = usage;
        }

        /** Typing {@code balance} works too. */
        static Command named(String word) {
            for (Command command : values()) {
                if (command.name().equals(word.toUpperCase(Locale.ROOT))) {
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
