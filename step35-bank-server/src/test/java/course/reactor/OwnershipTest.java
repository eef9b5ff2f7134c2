package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Closing the server gives back everything it took: threads and file descriptors. */
class OwnershipTest {
    @Test
    void aStoppedServerLeavesNoThreadAndNoDescriptorBehind() throws Exception {
        runServerWithClients(5); // warm up: the JDK starts some threads and opens some files once, for good
        long descriptorsBefore = openDescriptors();
        int threadsBefore = liveThreads();

        runServerWithClients(200);

        assertThat(Threads.liveNamed("io-")).isEmpty();
        assertThat(Threads.liveNamed("worker-")).isEmpty();
        assertThat(liveThreads()).as("live threads after the server closed").isEqualTo(threadsBefore);
        assertThat(openDescriptors()).as("open descriptors after the server closed").isEqualTo(descriptorsBefore);
    }

    /** A server with IO threads and workers, and clients that each send a heartbeat and hang up. */
    private static void runServerWithClients(int clients) throws Exception {
        BankServer bank = TestBank.server(2, 2, TestBank.ledger("alice", "bob"));
        List<BankClient> connected = new ArrayList<>();
        try (LoopThread running = new LoopThread(bank)) {
            for (int i = 0; i < clients; i++) {
                BankClient client = BankClient.connect(bank.address().port());
                connected.add(client);
                assertThat(client.command("HEARTBEAT")).isEqualTo("OK");
            }
            Await.until("the server to hold every connection", () -> bank.server().connectionCount() == clients);
            for (BankClient client : connected.subList(0, clients / 2)) {
                client.close(); // half hang up now; the server closes the others when it stops
            }
        } finally {
            for (BankClient client : connected) {
                client.close();
            }
        }
    }

    private static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.count();
        }
    }
}
