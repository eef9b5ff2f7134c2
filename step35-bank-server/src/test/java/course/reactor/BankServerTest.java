package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bank's protocol end to end, over real loopback TCP: each test gets a fresh bank. */
class BankServerTest {
    private BankServer bank;
    private LoopThread serving;

    @BeforeEach
    void openTheBank() throws Exception {
        bank = TestBank.server(2, 2, TestBank.ledger("alice", "bob"));
        bank.setMaxConnections(5);
        serving = new LoopThread(bank);
    }

    @AfterEach
    void closeTheBank() throws Exception {
        serving.close();
    }

    @Test
    void logsInWithTheRightPasswordOnlyAndKeepsTheConnectionAfterAFailure() throws Exception {
        try (BankClient client = connect()) {
            assertThat(client.command("LOGIN alice wrong-secret")).isEqualTo("ERR AUTH bad user or password");
            assertThat(client.command("LOGIN mallory alice-secret")).isEqualTo("ERR AUTH bad user or password");
            assertThat(client.command("LOGIN alice alice-secret")).isEqualTo("OK welcome alice");
            assertThat(client.command("LOGIN bob bob-secret")).isEqualTo("ERR LOGIN already logged in as alice");
        }
    }

    @Test
    void theThirdFailedLoginClosesTheConnection() throws Exception {
        try (BankClient client = connect()) {
            client.command("LOGIN alice one");
            client.command("LOGIN alice two");
            client.sendInOneWrite(List.of("LOGIN alice three", "LOGIN alice alice-secret")); // the second: not answered
            assertThat(client.reply()).isEqualTo("ERR AUTH bad user or password; 3 failed logins, closing the connection");
            assertThat(client.raw().awaitEof()).isTrue();
        }
    }

    @Test
    void answersTheBalanceInWholeCents() throws Exception {
        try (BankClient alice = connect().loginAs("alice")) {
            assertThat(alice.command("BALANCE")).isEqualTo("OK 100000");
            assertThat(alice.command("balance")).as("command words in any case").isEqualTo("OK 100000");
        }
    }

    @Test
    void aTransferMovesMoneyBetweenBothAccounts() throws Exception {
        try (BankClient alice = connect().loginAs("alice");
             BankClient bob = connect().loginAs("bob")) {
            assertThat(alice.command("TRANSFER t-1 bob 2500")).as("alice's new balance").isEqualTo("OK 97500");
            assertThat(bob.command("BALANCE")).isEqualTo("OK 102500");
            assertThat(bob.command("TRANSFER t-1 alice 500")).isEqualTo("OK 102000");
            assertThat(alice.command("BALANCE")).isEqualTo("OK 98000");
        }
    }

    @Test
    void aTransferSentAgainOnANewConnectionGetsItsFirstOutcomeAndMovesNothing() throws Exception {
        try (BankClient alice = connect().loginAs("alice")) {
            alice.send("TRANSFER rent-2024-05 bob 2500");
            // The connection breaks before the reply is read: did it happen? Ask, then send it again.
        }
        try (BankClient alice = connect().loginAs("alice");
             BankClient bob = connect().loginAs("bob")) {
            Await.until("the first to be decided", () -> !alice.command("STATUS rent-2024-05").equals("OK NONE"));
            assertThat(alice.command("STATUS rent-2024-05")).isEqualTo("OK MADE bob 2500");
            assertThat(alice.command("TRANSFER rent-2024-05 bob 2500")).isEqualTo("OK 97500");
            assertThat(alice.command("TRANSFER rent-2024-05 bob 2500")).isEqualTo("OK 97500");
            assertThat(alice.command("TRANSFER rent-2024-05 bob 9999")).isEqualTo("ERR ID id rent-2024-05 was used for another transfer");
            assertThat(alice.command("BALANCE")).isEqualTo("OK 97500");
            assertThat(bob.command("BALANCE")).isEqualTo("OK 102500");
            assertThat(bob.command("STATUS rent-2024-05")).as("ids are each payer's own").isEqualTo("OK NONE");
        }
    }

    @Test
    void refusesBadTransfersWithTheirCodeAndKeepsTheConnection() throws Exception {
        try (BankClient alice = connect().loginAs("alice")) {
            assertThat(alice.command("TRANSFER t-1 bob 100001")).isEqualTo("ERR FUNDS balance 100000 is less than 100001");
            assertThat(alice.command("TRANSFER t-2 carol 1")).isEqualTo("ERR ACCOUNT no such account: carol");
            assertThat(alice.command("TRANSFER t-3 bob 12.50")).startsWith("ERR ARG the amount is a whole number of cents");
            assertThat(alice.command("TRANSFER t-4 bob -5")).startsWith("ERR ARG the amount is a whole number of cents");
            assertThat(alice.command("TRANSFER t-5 bob 0")).isEqualTo("ERR ARG the amount must be at least 1 cent");
            assertThat(alice.command("TRANSFER t-6 alice 5")).isEqualTo("ERR ARG cannot transfer to yourself");
            assertThat(alice.command("TRANSFER t-7 bob")).isEqualTo("ERR ARG usage: TRANSFER <id> <to-user> <cents>");
            assertThat(alice.command("BALANCE now")).isEqualTo("ERR ARG usage: BALANCE");
            assertThat(alice.command("BALANCE")).as("nothing moved").isEqualTo("OK 100000");
        }
    }

    @Test
    void beforeLoginOnlyLoginAndHeartbeatAreServed() throws Exception {
        try (BankClient client = connect()) {
            assertThat(client.command("BALANCE")).isEqualTo("ERR LOGIN login first");
            assertThat(client.command("TRANSFER t-1 bob 1")).isEqualTo("ERR LOGIN login first");
            assertThat(client.command("STATUS t-1")).isEqualTo("ERR LOGIN login first");
            assertThat(client.command("LOGOUT")).isEqualTo("ERR LOGIN login first");
            assertThat(client.command("HEARTBEAT")).isEqualTo("OK");
            assertThat(client.command("LOGIN alice")).isEqualTo("ERR ARG usage: LOGIN <user> <password>");
        }
    }

    @Test
    void anUnknownOrEmptyOrNonUtf8CommandGetsErrUnknownAndKeepsTheConnection() throws Exception {
        try (BankClient client = connect()) {
            assertThat(client.command("WITHDRAW 100")).isEqualTo(
                    "ERR UNKNOWN no command WITHDRAW; try LOGIN, BALANCE, TRANSFER, STATUS, HEARTBEAT, LOGOUT");
            assertThat(client.command("")).isEqualTo("ERR UNKNOWN empty command");
            client.raw().sendFrame(new byte[] {(byte) 0xC3, (byte) 0x28}); // not UTF-8
            assertThat(client.reply()).isEqualTo("ERR UNKNOWN a command is UTF-8 text");
            assertThat(client.command("HEARTBEAT")).isEqualTo("OK");
        }
    }

    @Test
    void logoutSaysByeThenClosesAndAnswersNothingSentAfterIt() throws Exception {
        try (BankClient alice = connect().loginAs("alice")) {
            // In one write: all three reach the server before it can close. The two behind LOGOUT
            // are dropped, the heartbeat too, though it needs no worker.
            alice.sendInOneWrite(List.of("LOGOUT", "BALANCE", "HEARTBEAT"));
            assertThat(alice.reply()).isEqualTo("OK bye");
            assertThat(alice.raw().awaitEof()).as("closed once the reply was out").isTrue();
        }
        Await.until("the session to be gone", () -> bank.server().connectionCount() == 0);
    }

    @Test
    void commandsSplitIntoOneByteWritesAreAnsweredWholeAndInOrder() throws Exception {
        ByteArrayOutputStream commands = new ByteArrayOutputStream();
        for (String command : new String[] {"LOGIN bob bob-secret", "BALANCE", "HEARTBEAT"}) {
            commands.write(Frames.encode(command.getBytes(StandardCharsets.UTF_8)));
        }
        try (BankClient bob = connect()) {
            for (byte b : commands.toByteArray()) {
                bob.raw().send(new byte[] {b});
            }
            assertThat(bob.reply()).isEqualTo("OK welcome bob");
            assertThat(bob.reply()).isEqualTo("OK 100000");
            assertThat(bob.reply()).isEqualTo("OK");
        }
    }

    @Test
    void aFramingErrorClosesOnlyThatConnection() throws Exception {
        try (BankClient steady = connect().loginAs("alice");
             TestClient broken = TestClient.connect("127.0.0.1", bank.address().port())) {
            broken.send(Frames.header(-1));
            assertThat(broken.awaitEof()).as("a negative length ends that connection").isTrue();
            assertThat(steady.command("BALANCE")).isEqualTo("OK 100000");
        }
    }

    @Test
    void aCommandOfMoreThanAKilobyteClosesItsConnection() throws Exception {
        try (BankClient client = connect();
             TestClient tooLong = TestClient.connect("127.0.0.1", bank.address().port())) {
            assertThat(client.command("LOGIN alice " + "x".repeat(1024 - 12)))
                    .as("1024 bytes: still a command").isEqualTo("ERR AUTH bad user or password");
            tooLong.send(Frames.header(1025));
            assertThat(tooLong.awaitEof()).as("1025: the server does not wait for the rest").isTrue();
        }
    }

    @Test
    void aConnectionBeyondTheLimitIsToldSoInOneLineAndClosed() throws Exception {
        BankClient[] admitted = new BankClient[5];
        try {
            for (int i = 0; i < admitted.length; i++) {
                admitted[i] = connect();
                assertThat(admitted[i].command("HEARTBEAT")).isEqualTo("OK");
            }
            try (BankClient sixth = connect()) {
                sixth.sendInOneWrite(List.of("LOGIN alice alice-secret", "BALANCE"));
                assertThat(sixth.reply()).isEqualTo("ERR BUSY the bank serves at most 5 connections; try again later");
                assertThat(sixth.raw().awaitEof()).as("nothing else answered").isTrue();
            }
            assertThat(bank.refusedConnections()).isEqualTo(1);
            admitted[0].close();
            Await.until("room for one more", () -> bank.server().connectionCount() == 4);
            try (BankClient next = connect()) {
                assertThat(next.command("HEARTBEAT")).isEqualTo("OK");
            }
            assertThat(admitted[1].command("HEARTBEAT")).as("the others never noticed").isEqualTo("OK");
        } finally {
            for (BankClient client : admitted) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    @Test
    void theLogNamesARefusedLoginButNeverAPassword(@TempDir Path dir) throws Exception {
        Path accounts = TestBank.accountsFile(dir, "alice", "bob");
        try (ServerProcess server = ServerProcess.startMain(Main.class, "--accounts", accounts.toString());
             BankClient client = BankClient.connect(server.connect())) {
            assertThat(client.command("LOGIN alice hunter2")).isEqualTo("ERR AUTH bad user or password");
            // A password typed into the user field: no such user, so the name is not logged.
            assertThat(client.command("LOGIN alice-secret alice")).isEqualTo("ERR AUTH bad user or password");
            assertThat(client.command("LOGIN alice alice-secret")).isEqualTo("OK welcome alice");
            Await.until("the logins in the log", () -> server.stderr().contains("alice logged in from 127.0.0.1:"));
            String peer = "127.0.0.1:" + client.raw().localPort();
            assertThat(server.stderr()).contains("login refused from " + peer + " for user alice")
                    .contains("login refused from " + peer + " for an unknown user")
                    .doesNotContain("hunter2").doesNotContain("alice-secret");
        }
    }

    private BankClient connect() throws Exception {
        return BankClient.connect(bank.address().port());
    }
}
