package course.reactor;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The accounts of {@code --accounts FILE}: one {@code user hash cents} a line, separated by
 * spaces or tabs; blank lines and lines starting with {@code #} are skipped. The hash is what
 * {@code hash-password} prints: no password is ever in the file.
 * <pre>
 * # user   password hash (hash-password)                     opening balance in cents
 * alice    pbkdf2-sha256$600000$tw/eD/cRv4O1cq1Oeek6dg$8Wpm+0v...  100000
 * </pre>
 * A bad line is an IOException naming the line, never showing it.
 */
final class AccountsFile {
    private AccountsFile() {
    }

    static List<Account> load(Path file) throws IOException {
        List<String> lines = readLines(file);
        List<Account> accounts = new ArrayList<>();
        Set<String> users = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw new IOException(where + "expected 3 fields, user hash cents, found " + fields.length);
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(fields[1]);
            } catch (IllegalArgumentException e) {
                // The field is not shown: it may be a password in clear text, which is exactly the mistake.
                throw new IOException(where + "the second field must be a hash made by hash-password ("
                        + e.getMessage() + ")", e);
            }
            long cents;
            try {
                cents = Ledger.parseCents(fields[2]);
            } catch (NumberFormatException e) {
                throw new IOException(where + "the balance must be a whole number of cents, 0 or more", e);
            }
            if (fields[0].codePoints().anyMatch(Character::isISOControl)) {
                // Names go into the journal, whose lines hold no zero byte, and into the log.
                throw new IOException(where + "a user name has no control characters");
            }
            if (!users.add(fields[0])) {
                throw new IOException(where + "user " + fields[0] + " has an account already");
            }
            accounts.add(new Account(fields[0], hash, cents));
        }
        if (accounts.isEmpty()) {
            throw new IOException(file + ": no accounts");
        }
        return accounts;
    }

    /** Files.readAllLines, with an error that names the file instead of "Input length = 1". */
    private static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
    }
}
