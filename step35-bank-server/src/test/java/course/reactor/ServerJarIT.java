package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar keeps the command-line contract that every step shares. */
class ServerJarIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @Test
    void printsTheRealPortAndServesTheDemoAccounts() throws Exception {
        try (ServerProcess server = ServerProcess.startJar(JAR)) {
            assertThat(server.stdout()).matches("listening on 127\\.0\\.0\\.1:\\d+\\n");
            assertThat(server.port()).isPositive();
            try (BankClient bob = BankClient.connect(server.connect())) {
                assertThat(bob.command("LOGIN bob bob-secret")).isEqualTo("OK welcome bob");
                assertThat(bob.command("BALANCE")).isEqualTo("OK 100000");
            }
        }
    }

    @Test
    void servesTheAccountsOfAnAccountsFile(@TempDir Path dir) throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.txt"), "carol carol-secret 250\n");
        try (ServerProcess server = ServerProcess.startJar(JAR, "--accounts", accounts.toString());
             BankClient carol = BankClient.connect(server.connect())) {
            assertThat(carol.command("LOGIN carol carol-secret")).isEqualTo("OK welcome carol");
            assertThat(carol.command("BALANCE")).isEqualTo("OK 250");
            assertThat(carol.command("LOGIN alice alice-secret")).as("no demo accounts then")
                    .isEqualTo("ERR LOGIN already logged in as carol");
        }
    }

    @Test
    void aBadAccountsFileExitsOneWithOneLineNamingTheLine(@TempDir Path dir) throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.txt"), "carol carol-secret 250\ndave\n");
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--accounts", accounts.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("error: accounts " + accounts + " line 2: expected 3 fields, user password cents, found 1\n");
    }

    @Test
    void aDataDirectoryWithoutWorkersExitsTwo(@TempDir Path dir) {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--data", dir.toString(), "--workers", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: --data needs --workers 1 or more");
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("usage: java -jar <step>.jar [HOST] [PORT]");
    }

    @Test
    void unknownOptionPrintsUsageToStderrAndExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: unknown option --no-such-option").contains("usage:");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void badPortExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "127.0.0.1", "99999");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: bad port 99999");
    }

    @Test
    void badMaxFrameExitsTwo() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--max-frame", "-5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: bad --max-frame -5");
    }

    @Test
    void aPortInUseExitsOneWithOneLineSayingWhy() {
        try (ServerProcess first = ServerProcess.startJar(JAR)) {
            ServerProcess.Finished run = ServerProcess.runJar(JAR, "127.0.0.1", String.valueOf(first.port()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("error: cannot listen on 127.0.0.1:" + first.port() + ": ");
            assertThat(run.stderr().lines()).hasSize(1);
        }
    }
}
