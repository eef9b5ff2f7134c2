package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that pipeline big frames and never read cost the server a bounded amount each: with a
 * small heap and slow work it neither dies nor stops serving everybody else.
 */
class HostileClientsIT {
    private static final Path JAR = Path.of(System.getProperty("server.jar"));
    private static final int HOSTILE = 10;
    /** As big as the default --max-frame allows: 1 MiB. */
    private static final byte[] BIG = Payloads.random(1 << 20, 7);

    @Test
    void tenClientsThatNeverReadCannotExhaustA128MebibyteHeapOrStarveANormalClient() throws Exception {
        List<TestClient> hostile = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startJar(JAR, List.of("-Xmx128m"), "--work-delay-ms", "5")) {
            for (int i = 0; i < HOSTILE; i++) {
                TestClient client = server.connect();
                hostile.add(client);
                Thread writer = new Thread(() -> {
                    try {
                        for (int frame = 0; frame < 200; frame++) { // 200 MiB each, if the server took it
                            client.sendFrame(BIG);
                        }
                    } catch (IOException e) {
                        // closed by the test at the end, while blocked in a write
                    }
                }, "hostile-" + i);
                writer.start();
                writers.add(writer);
            }
            Await.until("every hostile client paused", () -> pauseLines(server) == HOSTILE);

            try (TestClient normal = server.connect()) {
                for (int i = 0; i < 20; i++) {
                    byte[] message = Payloads.random(100, i);
                    assertThat(normal.echoFrame(message)).as("a normal client is still served").isEqualTo(message);
                }
            }
            assertThat(server.isAlive()).isTrue();
            assertThat(server.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("closing");
            assertThat(pauseLines(server)).as("one line per paused client, not one per message").isEqualTo(HOSTILE);
            closeAll(hostile, writers); // before the server stops: their unread replies would hold its shutdown up
        } finally {
            closeAll(hostile, writers);
        }
    }

    private static void closeAll(List<TestClient> clients, List<Thread> writers) throws Exception {
        for (TestClient client : clients) {
            client.close();
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
    }

    private static long pauseLines(ServerProcess server) {
        return server.stderr().lines().filter(line -> line.startsWith("pausing 127.0.0.1:")).count();
    }
}
