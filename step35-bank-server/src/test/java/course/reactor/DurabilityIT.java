package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --data on the packaged jar, killed with SIGKILL: an OK survives, a transfer whose reply was
 * lost is made once however often it is sent, a line torn by a crash is cut off, damage
 * elsewhere stops the start, and one data directory takes one server.
 *
 * <p>A SIGKILL leaves the kernel's page cache alone, so these tests pass with the fsync removed
 * too: what only a power cut would show, GroupCommitTest shows with a journal file that records
 * its forces.
 */
class DurabilityIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @TempDir
    Path dir;
    private Path data;
    private String accounts;

    @BeforeEach
    void accounts() throws IOException {
        data = dir.resolve("data");
        accounts = TestBank.accountsFile(dir, "alice", "bob").toString();
    }

    @Test
    void anAcknowledgedTransferSurvivesSigkill() throws Exception {
        try (ServerProcess server = start();
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER t-1 bob 2500")).isEqualTo("OK 97500");
            kill(server); // no shutdown hook, no flush: only what is in the file counts
        }
        try (ServerProcess restarted = start()) {
            awaitLog(restarted, "replayed 1 line of");
            assertBalances(restarted, 97_500, 102_500);
        }
    }

    @Test
    void aTransferWhoseReplyWasLostBeforeAKillIsMadeOnceWhenItIsSentAgain() throws Exception {
        try (ServerProcess server = start();
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            alice.send("TRANSFER rent-may bob 2500"); // and never reads the reply
            Await.until("the transfer in the journal", () -> journal().contains(" TRANSFER alice rent-may bob 2500 "));
            kill(server); // somewhere between the journal's write and the reply reaching us
        }
        try (ServerProcess restarted = start();
             BankClient alice = BankClient.connect(restarted.connect()).loginAs("alice")) {
            assertThat(alice.command("STATUS rent-may")).isEqualTo("OK MADE bob 2500");
            assertThat(alice.command("TRANSFER rent-may bob 2500")).as("the first outcome").isEqualTo("OK 97500");
            kill(restarted);
        }
        try (ServerProcess again = start();
             BankClient alice = BankClient.connect(again.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER rent-may bob 2500")).isEqualTo("OK 97500");
            assertBalances(again, 97_500, 102_500);
        }
        assertThat(journal().lines()).as("one line, for all three").hasSize(1);
    }

    @Test
    void killedAtRandomMomentsUnderTwentyClientsEveryOkIsReplayedAndTheTotalKept() throws Exception {
        String[] users = new String[20];
        for (int i = 0; i < users.length; i++) {
            users[i] = "u" + i;
        }
        accounts = TestBank.accountsFile(dir, users).toString();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Map<String, Long> expected = new HashMap<>();
        for (String user : users) {
            expected.put(user, TestBank.OPENING_CENTS);
        }
        for (int round = 0; round < 3; round++) {
            String context = "seed " + seed + ", round " + round;
            List<List<Sent>> sent = new ArrayList<>();
            try (ServerProcess server = start()) {
                AtomicInteger oks = new AtomicInteger();
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < users.length; c++) {
                    List<Sent> mine = new ArrayList<>(); // the client's own; read here after its join
                    sent.add(mine);
                    Thread client = new Thread(payments(server, users, c, "r" + round + "-", new Random(random.nextLong()),
                            mine, oks), "client-" + c);
                    clients.add(client);
                    client.start();
                }
                int killAfter = 20 + random.nextInt(300);
                Await.until("some transfers answered OK", () -> oks.get() >= killAfter, Duration.ofSeconds(30));
                kill(server); // at whatever point each client's next transfer has reached
                for (Thread client : clients) {
                    client.join(10_000);
                    assertThat(client.isAlive()).as(context + ": " + client.getName() + " saw the server die").isFalse();
                }
            }
            try (ServerProcess restarted = start()) {
                for (List<Sent> mine : sent) {
                    if (mine.isEmpty()) {
                        continue;
                    }
                    try (BankClient payer = BankClient.connect(restarted.connect()).loginAs(mine.get(0).payer)) {
                        for (Sent transfer : mine) {
                            String status = payer.command("STATUS " + transfer.id);
                            String made = "OK MADE " + transfer.payee + " " + transfer.cents;
                            if (transfer.reply == null) { // in flight at the kill: decided either way, or never read
                                assertThat(status).as(context + ": in flight " + transfer).matches("OK (MADE|REFUSED|NONE).*");
                            } else if (transfer.reply.startsWith("OK ")) {
                                assertThat(status).as(context + ": acknowledged " + transfer).isEqualTo(made);
                            } else {
                                assertThat(transfer.reply).as(context + ": " + transfer).startsWith("ERR FUNDS ");
                                assertThat(status).as(context + ": refused " + transfer).startsWith("OK REFUSED ");
                            }
                            if (status.equals(made)) {
                                expected.merge(transfer.payer, -transfer.cents, Long::sum);
                                expected.merge(transfer.payee, transfer.cents, Long::sum);
                            }
                        }
                    }
                }
                long total = 0;
                for (String user : users) {
                    try (BankClient owner = BankClient.connect(restarted.connect()).loginAs(user)) {
                        long balance = Long.parseLong(owner.command("BALANCE").substring(3));
                        assertThat(balance).as(context + ": " + user + "'s balance: the transfers made, each once").isEqualTo(expected.get(user));
                        total += balance;
                    }
                }
                assertThat(total).as(context + ": the total").isEqualTo(users.length * TestBank.OPENING_CENTS);
            }
        }
    }

    /** One client: logs in as users[c] and pays random others, one at a time, until the server dies. */
    private static Runnable payments(ServerProcess server, String[] users, int c, String idPrefix, Random random,
                                     List<Sent> mine, AtomicInteger oks) {
        return () -> {
            try (BankClient client = BankClient.connect(server.connect()).loginAs(users[c])) {
                for (int n = 0; ; n++) {
                    Sent transfer = new Sent(users[c], idPrefix + n, users[(c + 1 + random.nextInt(users.length - 1)) % users.length],
                            1 + random.nextInt(30_000));
                    mine.add(transfer);
                    transfer.reply = client.command("TRANSFER " + transfer.id + " " + transfer.payee + " " + transfer.cents);
                    if (transfer.reply.startsWith("OK")) {
                        oks.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // The server was killed: this client's last transfer may or may not be on disk.
            }
        };
    }

    /** A transfer a client sent, and the reply it got: null if the server died first. */
    private static final class Sent {
        final String payer;
        final String id;
        final String payee;
        final long cents;
        String reply;

        Sent(String payer, String id, String payee, long cents) {
            this.payer = payer;
            this.id = id;
            this.payee = payee;
            this.cents = cents;
        }

        @Override
        public String toString() {
            return payer + " " + id + " " + payee + " " + cents + " -> " + reply;
        }
    }

    @Test
    void aTornLastLineIsIgnoredWithALogLineAndNothingElseIsLost() throws Exception {
        try (ServerProcess server = start();
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER t-1 bob 1000")).isEqualTo("OK 99000");
            assertThat(alice.command("TRANSFER t-2 bob 1000")).isEqualTo("OK 98000");
            kill(server);
        }
        // What a crash in the middle of writing a third line leaves behind: all but its newline,
        // so it would parse; without the newline it was never forced, never acknowledged. It
        // goes where the third line would have: after the second, over the zeros grown ahead.
        String third = JournalTest.line(3, "TRANSFER alice t-3 bob 25");
        try (FileChannel file = FileChannel.open(data.resolve(Journal.FILE_NAME), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(third.substring(0, third.length() - 1).getBytes(StandardCharsets.UTF_8)),
                    journal().length());
        }
        try (ServerProcess restarted = start();
             BankClient alice = BankClient.connect(restarted.connect()).loginAs("alice")) {
            awaitLog(restarted, "replayed 2 lines of");
            assertThat(restarted.stderr()).contains("line 3: ignored a torn last line");
            assertThat(alice.command("BALANCE")).isEqualTo("OK 98000");
            assertThat(alice.command("STATUS t-3")).isEqualTo("OK NONE");
            assertThat(alice.command("TRANSFER t-4 bob 1")).isEqualTo("OK 97999"); // appended where the torn line was
            kill(restarted);
        }
        try (ServerProcess again = start()) {
            awaitLog(again, "replayed 3 lines of");
            assertThat(again.stderr()).doesNotContain("torn");
            assertBalances(again, 97_999, 102_001);
        }
    }

    @Test
    void aDiskWithoutRoomForTheZerosStillTakesTheLines() throws Exception {
        // ulimit -f: no file of the server may pass 512 KiB, so a megabyte of zeros never fits.
        try (ServerProcess server = ServerProcess.startJarWithFileSizeLimit(JAR, 512, "--data", data.toString(),
                     "--accounts", accounts);
             BankClient alice = BankClient.connect(server.connect()).loginAs("alice")) {
            assertThat(alice.command("TRANSFER t-1 bob 1000")).isEqualTo("OK 99000");
            assertThat(alice.command("TRANSFER t-2 bob 1000")).isEqualTo("OK 98000");
            kill(server);
        }
        try (ServerProcess restarted = start()) {
            awaitLog(restarted, "replayed 2 lines of");
            assertBalances(restarted, 98_000, 102_000);
        }
    }

    @Test
    void aDamagedLineBeforeTheLastStopsTheStartWithOneLine() throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve(Journal.FILE_NAME), JournalTest.line(1, "TRANSFER alice t-1 bob 5")
                + JournalTest.line(2, "TRANSFER alice t-2 bob 5").replace("bob 5", "bob 6")
                + JournalTest.line(3, "TRANSFER bob t-1 alice 5"));
        ServerProcess.Finished run = ServerProcess.runJar(JAR, "--data", data.toString(), "--demo");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).endsWith("error: " + data.resolve(Journal.FILE_NAME)
                + " line 2: checksum mismatch; the journal is damaged\n");
        assertThat(run.stderr().lines()).as("the demo's line, then the error").hasSize(2);
        assertThat(run.stdout()).as("never listened").isEmpty();
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryExitsOneWithOneLine() throws Exception {
        try (ServerProcess first = start();
             BankClient alice = BankClient.connect(first.connect()).loginAs("alice")) {
            ServerProcess.Finished second = ServerProcess.runJar(JAR, "127.0.0.1", "0", "--data", data.toString(),
                    "--accounts", accounts);
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.stderr()).isEqualTo("error: cannot open the journal in " + data
                    + ": another server is using it (its journal is locked)\n");
            assertThat(alice.command("TRANSFER t-1 bob 1")).as("the first is unharmed").isEqualTo("OK 99999");
        }
    }

    private ServerProcess start() {
        return ServerProcess.startJar(JAR, "--data", data.toString(), "--accounts", accounts);
    }

    /** The lines: the file up to the zeros grown ahead of them (JournalFile.OnDisk), in ASCII here. */
    private String journal() throws IOException {
        Path file = data.resolve(Journal.FILE_NAME);
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int zeros = text.indexOf('\0');
        return zeros < 0 ? text : text.substring(0, zeros);
    }

    /** The log comes through a pipe of its own: it may lag behind the "listening on" line. */
    private static void awaitLog(ServerProcess server, String text) {
        Await.until("'" + text + "' in the log", () -> server.stderr().contains(text));
    }

    /** SIGKILL: the process ends at once, as in a power cut for everything but the disk's cache. */
    private static void kill(ServerProcess server) throws InterruptedException {
        ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();
        assertThat(server.awaitExit(Duration.ofSeconds(10))).as("killed by signal 9").isEqualTo(128 + 9);
    }

    private static void assertBalances(ServerProcess server, long alice, long bob) throws Exception {
        try (BankClient a = BankClient.connect(server.connect()).loginAs("alice");
             BankClient b = BankClient.connect(server.connect()).loginAs("bob")) {
            assertThat(a.command("BALANCE")).isEqualTo("OK " + alice);
            assertThat(b.command("BALANCE")).isEqualTo("OK " + bob);
        }
    }
}
