package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The accounts of {@code --accounts FILE}: one {@code user password cents} a line, separated by
 * spaces or tabs; blank lines and lines starting with {@code #} are skipped.
 * <pre>
 * # user   password       opening balance in cents
 * alice    alice-secret   100000
 * </pre>
 * A bad line is an IOException naming the line, never showing it: it may hold a password.
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
                throw new IOException(where + "expected 3 fields, user password cents, found " + fields.length);
            }
            long cents;
            try {
                cents = Ledger.parseCents(fields[2]);
            } catch (NumberFormatException e) {
                throw new IOException(where + "the balance must be a whole number of cents, 0 or more", e);
            }
            if (!users.add(fields[0])) {
                throw new IOException(where + "user " + fields[0] + " has an account already");
            }
            accounts.add(new Account(fields[0], fields[1], cents));
        }
        if (accounts.isEmpty()) {
            throw new IOException(file + ": no accounts");
        }
        return accounts;
    }

    /** Like Files.readAllLines, but bad bytes are an error naming their line, not "Input length = 1". */
    private static List<String> readLines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(in).toString().lines().toList();
        } catch (CharacterCodingException e) {
            // The decoder stops with the buffer's position at the first bad byte.
            throw new IOException(file + " line " + lineOf(bytes, in.position()) + ": not UTF-8 text", e);
        }
    }

    /** The number of the line holding byte {@code offset}, counting line ends as String.lines() does. */
    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
                line++;
            }
        }
        return line;
    }
}
