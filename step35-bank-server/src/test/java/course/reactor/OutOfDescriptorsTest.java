package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server started with few descriptors survives more clients than it can hold. */
class OutOfDescriptorsTest {
    private static final int LIMIT = 256;
    private static final int CLIENTS = 400;

    @Test
    void refusesTheExtrasCleanlyAndServesNewClientsOnceOldOnesClose() throws Exception {
        List<TestClient> served = new ArrayList<>();
        List<TestClient> refused = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startMainWithDescriptorLimit(Main.class, LIMIT,
                "--io-threads", "1", "--workers", "1")) {
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    TestClient client = TestClient.connect(server.host(), server.port(), Duration.ofSeconds(5));
                    (answers(client) ? served : refused).add(client);
                }
                assertThat(served.size() + refused.size()).isEqualTo(CLIENTS);
                assertThat(served).as("clients served up to the limit").hasSizeGreaterThan(LIMIT / 2);
                assertThat(refused).as("clients beyond the limit refused").isNotEmpty();
                assertThat(server.isAlive()).isTrue();
                assertThat(server.stderr()).containsOnlyOnce("out of file descriptors");

                for (TestClient client : served.subList(0, 50)) {
                    client.close();
                }
                Await.until("a new client to be served once old ones have gone", () -> {
                    try (TestClient fresh = TestClient.connect(server.host(), server.port(), Duration.ofSeconds(5))) {
                        return answers(fresh);
                    }
                });
                Await.until("the end of the episode in the log",  // stderr reaches us through a pipe
                        () -> server.stderr().contains("accepting again after refusing"));
            } finally {
                for (TestClient client : served) {
                    client.close();
                }
                for (TestClient client : refused) {
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
