package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.ServerProcess;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar keeps the command-line contract that every step shares. */
class ServerJarIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @Test
    void printsTheRealPortAndServesTheDemoAccountsSayingSo() throws Exception {
        try (ServerProcess server = ServerProcess.startJar(JAR)) {
            assertThat(server.stdout()).matches("listening on 127\\.0\\.0\\.1:\\d+\\n");
            assertThat(server.port()).isPositive();
            try (BankClient bob = BankClient.connect(server.connect())) {
                assertThat(bob.command("LOGIN bob bob-secret")).as("a hash of 600000 iterations").isEqualTo("OK welcome bob");
                assertThat(bob.command("BALANCE")).isEqualTo("OK 100000");
            }
            assertThat(server.stderr()).startsWith("using the demo accounts alice and bob");
        }
    }

    @Test
    void servesTheAccountsOfAnAccountsFileAndWarnsOfWeakHashes(@TempDir Path dir) throws Exception {
        Path accounts = TestBank.accountsFile(dir, "carol");
        try (ServerProcess server = ServerProcess.startJar(JAR, "--accounts", accounts.toString());
             BankClient carol = BankClient.connect(server.connect())) {
            assertThat(carol.command("LOGIN carol carol-secret")).isEqualTo("OK welcome carol");
            assertThat(carol.command("BALANCE")).isEqualTo("OK 100000");
            assertThat(server.stderr()).startsWith("warning: " + accounts + ": 1 of 1 password hashes have fewer than"
                    + " 600000 iterations; make them again with hash-password\n").doesNotContain("demo");
        }
        try (ServerProcess server = ServerProcess.startJar(JAR, "--accounts", accounts.toString());
             BankClient alice = BankClient.connect(server.connect())) {
            assertThat(alice.command("LOGIN alice alice-secret")).as("no demo accounts then")
                    .isEqualTo("ERR AUTH bad user or password");
        }
    }

    @Test
    void hashPasswordReadsThePasswordFromStandardInputAndPrintsAnEntryTheServerTakes(@TempDir Path dir) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "hash-password", "--iterations", "2000").start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("s3cr\u00e9t\n".getBytes(StandardCharsets.UTF_8));
        }
        String entry = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(entry).matches("pbkdf2-sha256\\$2000\\$\\S+\\$\\S+\\n").doesNotContain("s3cr");

        Path accounts = Files.writeString(dir.resolve("accounts.txt"), "dana " + entry.strip() + " 250\n");
        try (ServerProcess server = ServerProcess.startJar(JAR, "--accounts", accounts.toString());
             BankClient dana = BankClient.connect(server.connect())) {
            assertThat(dana.command("LOGIN dana s3cr\u00e9t")).isEqualTo("OK welcome dana");
            assertThat(dana.command("BALANCE")).isEqualTo("OK 250");
        }
    }

    @Test
    void hashPasswordTakesNoPasswordOnTheCommandLine() {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "hash-password", "hunter2");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).isEqualTo("error: usage: hash-password [--iterations N]\n");
    }

    @Test
    void aClearTextPasswordInTheAccountsFileExitsOneWithOneLineNamingTheLine(@TempDir Path dir) throws Exception {
        Path accounts = TestBank.accountsFile(dir, "carol");
        Files.writeString(accounts, "dave dave-secret 250\n", StandardOpenOption.APPEND);
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--accounts", accounts.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("error: accounts " + accounts + " line 3: the second field must be a hash made"
                + " by hash-password (not a pbkdf2-sha256$ITERATIONS$SALT$HASH entry)\n");
    }

    @Test
    void aDataDirectoryNeedsAccountsOrTheDemoOnPurposeAndWorkersAreNeverZero(@TempDir Path dir) {
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--data", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: --data needs --accounts FILE (or --demo, for the demo accounts)\n");
        run = ServerProcess.runJar(JAR, "--workers", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("error: bad --workers 0 (expected a positive number)\n");
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
            assertThat(run.stderr().lines().toList().get(1)).startsWith("error: cannot listen on 127.0.0.1:" + first.port() + ": ");
            assertThat(run.stderr().lines()).as("the demo's line, then the error").hasSize(2);
        }
    }
}
