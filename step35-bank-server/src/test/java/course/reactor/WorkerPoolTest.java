package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Commands on worker threads: a slow disk holds only the replies that read the money, one client's replies keep their order, money adds up. */
class WorkerPoolTest {
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin"};

    @Test
    void aForceInProgressHoldsNoAccountNoWorkerAndNoIoLoopOnlyTheRepliesThatReadTheMoney() throws Exception {
        try (JournaledLedger books = new JournaledLedger("alice", "bob", "carol", "dave", "erin")) {
            BankServer bank = TestBank.server(1, 1, books.ledger); // one IO loop, one worker
            int port = bank.address().port();
            try (LoopThread running = new LoopThread(bank);
                 BankClient alice = BankClient.connect(port).loginAs("alice");
                 BankClient bob = BankClient.connect(port).loginAs("bob");
                 BankClient carol = BankClient.connect(port).loginAs("carol");
                 BankClient dave = BankClient.connect(port).loginAs("dave")) {
                books.disk.holdForces(); // a disk as slow as this test needs
                alice.send("TRANSFER t-1 bob 777");
                books.disk.awaitForcesEntered(1);
                bob.send("BALANCE"); // it reads bob's account, which alice's transfer has changed in memory only
                Await.until("bob's command taken in", () -> bank.requestsInWork() == 2);
                carol.send("TRANSFER t-1 dave 5"); // decided meanwhile: no account lock and no worker is held
                Await.until("carol's transfer decided, behind the held force", () -> books.journal.waitingForDisk() == 2);
                for (int i = 0; i < 10; i++) {
                    assertThat(dave.command("HEARTBEAT")).as("the IO loop serves").isEqualTo("OK");
                }
                try (BankClient erin = BankClient.connect(port).loginAs("erin")) {
                    // The one worker answered erin, so it had run bob's BALANCE, queued before.
                    assertThat(bank.requestsInWork()).as("alice's, bob's and carol's replies wait for the disk").isEqualTo(3);
                }
                assertThat(books.disk.forces()).isZero();

                books.disk.releaseForces();
                assertThat(alice.reply()).isEqualTo("OK 99223");
                assertThat(bob.reply()).as("the balance the disk now has").isEqualTo("OK 100777");
                assertThat(carol.reply()).isEqualTo("OK 99995");
                assertThat(books.disk.forces()).as("alice's line, then carol's").isEqualTo(2);
                assertThat(Threads.liveNamed("worker-")).hasSize(1);
            }
        }
        assertThat(Threads.liveNamed("worker-")).as("the workers end with the server").isEmpty();
        assertThat(Threads.liveNamed("journal")).as("the journal thread ends with the journal").isEmpty();
    }

    @Test
    void aClientPipeliningFasterThanTheDiskIsReadOnlyAsFarAsItsCommandsInWorkAllow() throws Exception {
        try (JournaledLedger books = new JournaledLedger("alice", "bob")) {
            BankServer bank = TestBank.server(1, 2, books.ledger);
            int commands = 50_000; // 1.2 MB: without a limit, read and queued in a few milliseconds
            List<String> transfers = BankClient.transfers("t", "bob", 1, commands);
            int commandBytes = Buffer.HEADER_BYTES + "TRANSFER t-1 bob 1".length(); // the shortest of them
            // At most the high-water mark, plus what one read round can bring: Buffer.MAX_READ.
            long bound = (BankServer.HIGH_WATER_MARK + (long) Buffer.MAX_READ) / commandBytes;
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try (LoopThread running = new LoopThread(bank);
                 BankClient alice = BankClient.connect(bank.address().port()).loginAs("alice")) {
                books.disk.holdForces();
                Future<?> sent = writer.submit(() -> {
                    alice.sendInOneWrite(transfers); // blocks once the server stops reading
                    return null;
                });
                Await.until("the limit reached", () -> bank.requestsInWork() * commandBytes >= BankServer.HIGH_WATER_MARK);
                long watchUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < watchUntil) { // a bound on growth can only be watched for a while
                    assertThat(bank.requestsInWork()).as("commands held for alice").isLessThanOrEqualTo(bound);
                    assertThat(books.journal.waitingForDisk()).as("lines held for alice").isLessThanOrEqualTo(bound);
                    Thread.onSpinWait();
                }

                books.disk.releaseForces(); // the disk is back: reading resumes as the replies go out
                for (int i = 1; i <= commands; i++) {
                    assertThat(alice.reply()).as("transfer %d", i).isEqualTo("OK " + (TestBank.OPENING_CENTS - i));
                }
                sent.get(10, TimeUnit.SECONDS);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void aHeartbeatIsAnsweredOnTheIoThreadButNeverOvertakesAReplyWaitingForTheDisk() throws Exception {
        try (JournaledLedger books = new JournaledLedger("alice", "bob", "carol")) {
            BankServer bank = TestBank.server(1, 1, books.ledger);
            int port = bank.address().port();
            try (LoopThread running = new LoopThread(bank);
                 BankClient alice = BankClient.connect(port).loginAs("alice");
                 BankClient carol = BankClient.connect(port).loginAs("carol")) {
                books.disk.holdForces();
                alice.send("TRANSFER t-1 bob 1");
                books.disk.awaitForcesEntered(1);
                alice.send("HEARTBEAT"); // behind its transfer: it must wait for it

                for (int i = 0; i < 10; i++) {
                    assertThat(carol.command("HEARTBEAT")).as("no worker needed").isEqualTo("OK");
                }

                books.disk.releaseForces();
                assertThat(alice.reply()).as("the transfer's reply first").isEqualTo("OK 99999");
                assertThat(alice.reply()).isEqualTo("OK");
            }
        }
    }

    @Test
    void aLogoutAndAnEndOfStreamWaitForTheRepliesBeforeThem() throws Exception {
        try (JournaledLedger books = new JournaledLedger("alice", "bob", "carol")) {
            BankServer bank = TestBank.server(1, 2, books.ledger);
            int port = bank.address().port();
            try (LoopThread running = new LoopThread(bank);
                 BankClient alice = BankClient.connect(port).loginAs("alice");
                 BankClient carol = BankClient.connect(port).loginAs("carol")) {
                books.disk.holdForces();
                alice.sendInOneWrite(List.of("TRANSFER t-1 bob 1", "LOGOUT")); // LOGOUT reads no money, yet goes second
                carol.send("TRANSFER t-1 bob 2");
                carol.raw().shutdownOutput(); // and carol is done sending
                Await.until("both transfers decided", () -> books.journal.waitingForDisk() == 2);

                books.disk.releaseForces();
                assertThat(alice.reply()).isEqualTo("OK 99999");
                assertThat(alice.reply()).isEqualTo("OK bye");
                assertThat(alice.raw().awaitEof()).isTrue();
                assertThat(carol.reply()).as("the reply before the close").isEqualTo("OK 99998");
                assertThat(carol.raw().awaitEof()).isTrue();
            }
        }
    }

    @Test
    void heartbeatsBetweenPipelinedCommandsKeepTheirPlace() throws Exception {
        BankServer bank = TestBank.server(1, 2, TestBank.ledger("alice", "bob"));
        try (LoopThread running = new LoopThread(bank);
             BankClient alice = BankClient.connect(bank.address().port()).loginAs("alice")) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> sent = writer.submit(() -> {
                    for (int i = 0; i < 2_000; i++) { // one write each: the server reads them in many rounds
                        alice.send("BALANCE");
                        alice.send("HEARTBEAT");
                    }
                    return null;
                });
                for (int i = 0; i < 2_000; i++) {
                    // A heartbeat answered on the IO thread while the balance's reply was still on
                    // its way from the worker would come first.
                    assertThat(alice.reply()).as("balance %d", i).isEqualTo("OK 100000");
                    assertThat(alice.reply()).as("heartbeat %d", i).isEqualTo("OK");
                }
                sent.get(10, TimeUnit.SECONDS);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void theSlowPasswordHashRunsOnAWorkerNeverOnAnIoThread() throws Exception {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        Credential recording = new Credential() {
            @Override
            public boolean matches(String attempt) {
                threads.add(Thread.currentThread().getName());
                return attempt.equals("right");
            }

            @Override
            public Credential decoy() {
                return this;
            }
        };
        BankServer bank = TestBank.server(1, 2, new Ledger(List.of(new Account("alice", recording, 1)), Ledger.Recorder.NONE));
        try (LoopThread running = new LoopThread(bank);
             BankClient client = BankClient.connect(bank.address().port())) {
            assertThat(client.command("LOGIN nobody right")).isEqualTo("ERR AUTH bad user or password");
            assertThat(client.command("LOGIN alice right")).isEqualTo("OK welcome alice");
        }
        assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("worker-"));
    }

    @Test
    void repliesOfOneConnectionKeepTheirOrder() throws Exception {
        BankServer bank = TestBank.server(2, 4, TestBank.ledger("alice", "bob"));
        try (LoopThread running = new LoopThread(bank);
             BankClient alice = BankClient.connect(bank.address().port()).loginAs("alice")) {
            for (int i = 0; i < 250; i++) { // pipelined: 500 commands before the first reply is read
                alice.send("TRANSFER t-" + i + " bob 1");
                alice.send("BALANCE");
            }
            for (int i = 1; i <= 250; i++) {
                String balance = "OK " + (TestBank.OPENING_CENTS - i);
                assertThat(alice.reply()).as("transfer %d", i).isEqualTo(balance);
                assertThat(alice.reply()).as("balance after transfer %d", i).isEqualTo(balance);
            }
        }
    }

    @Test
    void fiftyClientsMakingAThousandRandomTransfersEachAtOnceKeepTheTotal() throws Exception {
        Ledger ledger = TestBank.ledger(USERS);
        long total = ledger.total();
        BankServer bank = TestBank.server(2, 4, ledger);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try (LoopThread running = new LoopThread(bank)) {
            List<Future<List<String>>> replies = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int seed = c;
                replies.add(clients.submit(() -> randomTransfers(bank.address().port(), seed, 1_000)));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> reply : replies) {
                all.addAll(reply.get(60, TimeUnit.SECONDS));
            }

            assertThat(all).hasSize(50_000).allMatch(reply -> reply.matches("OK \\d+|ERR FUNDS .*"));
            assertThat(all).as("some transfers go through").anyMatch(reply -> reply.startsWith("OK"));
            assertThat(ledger.total()).isEqualTo(total);
            long sumOfBalances = 0;
            for (String user : USERS) {
                try (BankClient owner = BankClient.connect(bank.address().port()).loginAs(user)) {
                    sumOfBalances += Long.parseLong(owner.command("BALANCE").substring(3));
                }
            }
            assertThat(sumOfBalances).as("the balances the clients see").isEqualTo(total);
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** One client logged in as one of the users, sending {@code count} transfers to the others. */
    private static List<String> randomTransfers(int port, int seed, int count) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        String user = USERS[seed % USERS.length];
        List<String> replies = new ArrayList<>();
        try (BankClient client = BankClient.connect(port).loginAs(user)) {
            for (int i = 0; i < count; i++) {
                String to = USERS[(seed + 1 + random.nextInt(USERS.length - 1)) % USERS.length];
                replies.add(client.command("TRANSFER " + seed + "-" + i + " " + to + " " + (1 + random.nextInt(60_000))));
            }
        }
        return replies;
    }
}
