package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged server, in a fresh JVM with few descriptors, meets a burst of clients: the very
 * first thing it ever closes is the spare, to refuse one. That must work too.
 */
class OutOfDescriptorsIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));

    @Test
    void aFreshServerWhoseFirstCloseIsARefusalKeepsServing() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startJarWithDescriptorLimit(JAR, 200)) {
            try {
                for (int i = 0; i < 400; i++) { // connect them all first: nothing closes before the refusals
                    clients.add(TestClient.connect(server.host(), server.port(), Duration.ofSeconds(5)));
                }
                Await.until("the server to refuse", () -> server.stderr().contains("out of file descriptors"));
                assertThat(server.isAlive()).as("the first refusal did not end the server").isTrue();
                // Every client still in the kernel's queue would take a freed descriptor before a
                // new one: so first let the server answer or refuse each, then free 50 slots.
                List<TestClient> served = new ArrayList<>();
                for (TestClient client : clients) {
                    if (answers(client)) {
                        served.add(client);
                    } else {
                        client.close();
                    }
                }
                assertThat(served).as("clients the server holds").isNotEmpty().hasSizeLessThan(200);
                for (TestClient client : served.subList(0, Math.min(50, served.size()))) {
                    client.close();
                }
                try {
                    Await.until("a new client to be served once old ones have gone", () -> {
                        try (TestClient fresh = TestClient.connect(server.host(), server.port(), Duration.ofSeconds(5))) {
                            return answers(fresh);
                        }
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the server's log:\n" + server.stderr(), e);
                }
                assertThat(server.stderr()).doesNotContain("Exception").doesNotContain("Error");
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    /** True if the server answers a heartbeat; false if it closed the connection instead. */
    private static boolean answers(TestClient client) {
        try {
            return BankClient.connect(client).command("HEARTBEAT").equals("OK");
        } catch (IOException e) {
            return false;
        }
    }
}
