package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts file: one account a line with a password hash, never a password; a bad line named by number. */
class AccountsFileTest {
    private static final String CAROL = PasswordHash.of("carol-secret", 10).toString();
    private static final String DAVE = PasswordHash.of("dave-secret", 10).toString();

    @TempDir
    Path dir;

    @Test
    void readsOneAccountALineSkippingCommentsAndBlankLines() throws IOException {
        List<Account> accounts = AccountsFile.load(file("# user  hash  cents\ncarol   " + CAROL + "  5000\n\n\tdave\t"
                + DAVE + "\t0\n"));
        Ledger ledger = new Ledger(accounts, Ledger.Recorder.NONE);
        assertThat(accounts).extracting(Account::user).containsExactly("carol", "dave");
        assertThat(ledger.authenticate("carol", "carol-secret")).isTrue();
        assertThat(ledger.authenticate("carol", "dave-secret")).isFalse();
        assertThat(ledger.total()).isEqualTo(5000);
    }

    @Test
    void aPasswordInClearTextIsRefusedNamingTheLineButNotShowingIt() throws IOException {
        Path file = file("carol " + CAROL + " 5000\ndave dave-secret 7\n");
        assertThatThrownBy(() -> AccountsFile.load(file))
                .hasMessage(file + " line 2: the second field must be a hash made by hash-password"
                        + " (not a pbkdf2-sha256$ITERATIONS$SALT$HASH entry)")
                .hasMessageNotContaining("dave-secret");
    }

    @Test
    void aDamagedOrAbsurdHashIsRefused() throws IOException {
        String[] parts = CAROL.split("\\$");
        String[][] bad = {
            {parts[0] + "$lots$" + parts[2] + "$" + parts[3], "a pbkdf2-sha256 entry with a bad number or Base64"},
            {parts[0] + "$0$" + parts[2] + "$" + parts[3], "iterations must be 1 to 10000000"},
            {parts[0] + "$20000000$" + parts[2] + "$" + parts[3], "iterations must be 1 to 10000000"},
            {parts[0] + "$10$" + parts[2] + "$" + parts[3].substring(4), "a pbkdf2-sha256 entry needs a salt of 16 bytes or more and a hash of 32"},
            {"sha1$10$" + parts[2] + "$" + parts[3], "not a pbkdf2-sha256$ITERATIONS$SALT$HASH entry"},
        };
        for (String[] entry : bad) {
            Path file = file("carol " + entry[0] + " 1\n");
            assertThatThrownBy(() -> AccountsFile.load(file)).as(entry[0])
                    .hasMessage(file + " line 1: the second field must be a hash made by hash-password (" + entry[1] + ")");
        }
    }

    @Test
    void aLineWithTheWrongNumberOfFieldsIsNamedButNotShown() throws IOException {
        Path file = file("carol " + CAROL + " 5000\ndave my secret 7\n");
        assertThatThrownBy(() -> AccountsFile.load(file))
                .hasMessage(file + " line 2: expected 3 fields, user hash cents, found 4")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aUserNameWithAControlCharacterIsRefused() throws IOException {
        for (String name : new String[] {"car\0ol", "car\u001bol", "carol\u0085"}) {
            Path file = file("dave " + DAVE + " 1\n" + name + " " + CAROL + " 5000\n");
            assertThatThrownBy(() -> AccountsFile.load(file)).as(name.codePoints().boxed().toList().toString())
                    .hasMessage(file + " line 2: a user name has no control characters");
        }
    }

    @Test
    void aBalanceMustBeWholeCentsZeroOrMore() throws IOException {
        for (String balance : new String[] {"-1", "12.50", "lots"}) {
            Path file = file("carol " + CAROL + " " + balance + "\n");
            assertThatThrownBy(() -> AccountsFile.load(file)).as(balance)
                    .hasMessage(file + " line 1: the balance must be a whole number of cents, 0 or more");
        }
    }

    @Test
    void aUserMayHaveOneAccountOnly() throws IOException {
        Path file = file("carol " + CAROL + " 1\n# again:\ncarol " + DAVE + " 2\n");
        assertThatThrownBy(() -> AccountsFile.load(file)).hasMessage(file + " line 3: user carol has an account already");
    }

    @Test
    void aFileWithNoAccountIsAnError() throws IOException {
        Path file = file("# nobody yet\n");
        assertThatThrownBy(() -> AccountsFile.load(file)).hasMessage(file + ": no accounts");
    }

    @Test
    void aFileThatIsNotUtf8IsNamed() throws IOException {
        Path file = dir.resolve("accounts.txt");
        byte[] latin1 = ("carol " + CAROL + " 5000\n# Jos\u00e9's account:\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, latin1);
        assertThatThrownBy(() -> AccountsFile.load(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": not UTF-8 text");
    }

    @Test
    void aHashKnowsItsPasswordOnlyAndReadsBackWhatItWrites() {
        PasswordHash hash = PasswordHash.of("alice-secret", 1000);
        PasswordHash again = PasswordHash.parse(hash.toString());
        assertThat(again.matches("alice-secret")).isTrue();
        assertThat(again.matches("alice-secreT")).isFalse();
        assertThat(again.iterations()).isEqualTo(1000);
        assertThat(hash.toString()).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}")
                .doesNotContain("alice");
        assertThat(PasswordHash.of("alice-secret", 1000).toString()).as("a fresh salt each time").isNotEqualTo(hash.toString());
    }

    @Test
    void theDemoAccountsAreHashedAtTheRecommendedCost() {
        assertThat(Account.demo()).extracting(Account::user).containsExactly("alice", "bob");
        assertThat(Account.demo()).allSatisfy(account ->
                assertThat(((PasswordHash) account.credential()).iterations()).isEqualTo(PasswordHash.RECOMMENDED_ITERATIONS));
        assertThat(Account.demo().get(0).credential().matches("alice-secret")).as("the README's password").isTrue();
    }

    private Path file(String text) throws IOException {
        Path file = dir.resolve("accounts.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
