package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import course.toolkit.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Closing the server gives back everything it took: threads and file descriptors. */
class OwnershipTest {
    @Test
    void aStoppedServerLeavesNoThreadAndNoDescriptorBehind() throws Exception {
        runServerWithClients(5); // warm up: the JDK starts some threads and opens some files once, for good
        Set<String> descriptorsBefore = openDescriptors();
        Set<Thread> threadsBefore = liveThreads();

        runServerWithClients(200);

        assertThat(Threads.liveNamed("io-")).isEmpty();
        assertThat(Threads.liveNamed("worker-")).isEmpty();
        // New ones only: a descriptor or thread an earlier test left to the garbage collector may go meanwhile.
        assertThat(liveThreads()).as("threads started and left running").isSubsetOf(threadsBefore);
        assertThat(openDescriptors()).as("descriptors opened and left open").isSubsetOf(descriptorsBefore);
    }

    /** A server with IO threads and workers, and clients that each echo once and hang up. */
    private static void runServerWithClients(int clients) throws Exception {
        EchoServer echo = new EchoServer(new InetAddress("127.0.0.1", 0), 1 << 20, 2, 2, EchoServer.delay(0));
        List<TestClient> connected = new ArrayList<>();
        try (LoopThread running = new LoopThread(echo)) {
            for (int i = 0; i < clients; i++) {
                TestClient client = TestClient.connect("127.0.0.1", echo.address().port());
                connected.add(client);
                byte[] message = Payloads.random(100, i);
                assertThat(client.echoFrame(message)).isEqualTo(message);
            }
            Await.until("the server to hold every connection", () -> echo.server().connectionCount() == clients);
            for (TestClient client : connected.subList(0, clients / 2)) {
                client.close(); // half hang up now; the server closes the others when it stops
            }
        } finally {
            for (TestClient client : connected) {
                client.close();
            }
        }
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /** Each open descriptor as "number -> what it is": a socket or selector reopened under an old number differs. */
    private static Set<String> openDescriptors() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            Set<String> open = new HashSet<>();
            for (Path descriptor : (Iterable<Path>) descriptors::iterator) {
                try {
                    Path target = Files.readSymbolicLink(descriptor);
                    if (!target.startsWith("/proc")) { // the listing's own descriptor, a new one each time
                        open.add(descriptor.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed while we listed it: not open
                }
            }
            return open;
        }
    }
}
