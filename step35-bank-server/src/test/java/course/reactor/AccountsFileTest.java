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

/** The accounts file: one account a line, comments and blank lines skipped, a bad line named by number. */
class AccountsFileTest {
    @TempDir
    Path dir;

    @Test
    void readsOneAccountALineSkippingCommentsAndBlankLines() throws IOException {
        List<Account> accounts = AccountsFile.load(file("""
                # user  password      cents
                carol   carol-secret  5000

                \tdave\tdave-secret\t0
                """));
        Ledger ledger = new Ledger(accounts, Ledger.Recorder.NONE);
        assertThat(accounts).extracting(Account::user).containsExactly("carol", "dave");
        assertThat(ledger.authenticate("carol", "carol-secret")).isTrue();
        assertThat(ledger.total()).isEqualTo(5000);
    }

    @Test
    void aLineWithTheWrongNumberOfFieldsIsNamedButNotShown() throws IOException {
        Path file = file("carol carol-secret 5000\ndave my secret 7\n");
        assertThatThrownBy(() -> AccountsFile.load(file))
                .hasMessage(file + " line 2: expected 3 fields, user password cents, found 4")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aBalanceMustBeWholeCentsZeroOrMore() throws IOException {
        for (String balance : new String[] {"-1", "12.50", "lots"}) {
            Path file = file("carol carol-secret " + balance + "\n");
            assertThatThrownBy(() -> AccountsFile.load(file)).as(balance)
                    .hasMessage(file + " line 1: the balance must be a whole number of cents, 0 or more");
        }
    }

    @Test
    void aUserMayHaveOneAccountOnly() throws IOException {
        Path file = file("carol a 1\n# again:\ncarol b 2\n");
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
        byte[] latin1 = "carol carol-secret 5000\n# Jos\u00e9's account:\njose jose-secret 1\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, latin1);
        assertThatThrownBy(() -> AccountsFile.load(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": not UTF-8 text");
    }

    private Path file(String text) throws IOException {
        Path file = dir.resolve("accounts.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
