package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A worker that answers a client who has gone: the replies are dropped, nothing breaks or leaks. */
class LateSendTest {
    private static final int MESSAGES = 3000;

    @Test
    void thousandsOfRepliesToAVanishedClientAreDroppedAndTheServerStaysHealthy() throws Exception {
        TcpServer server = new TcpServer(new InetAddress("127.0.0.1", 0), 1 << 20, 1);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        CountDownLatch clientGone = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        server.setMessageCallback((connection, message) -> {
            received.incrementAndGet();
            worker.execute(() -> {
                awaitQuietly(clientGone); // the reply is made only after the client has gone
                connection.send(message);
            });
        });
        try (LoopThread running = new LoopThread(server)) {
            TestClient vanishing = TestClient.connect("127.0.0.1", server.address().port());
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            for (int i = 0; i < MESSAGES; i++) {
                requests.write(Frames.encode(Payloads.random(20, i)));
            }
            vanishing.send(requests.toByteArray());
            Connection connection = Await.value("the server's connection",
                    () -> server.connections().stream().findFirst().orElse(null));
            Await.until("every message read", () -> received.get() == MESSAGES);

            vanishing.reset();
            Await.until("the IO loop to close the connection", () -> server.connectionCount() == 0);
            clientGone.countDown(); // now the worker replies, thousands of times, to nobody

            Await.until("every late reply dropped", () -> connection.lateSends() == MESSAGES);
            assertThat(connection.isClosed()).isTrue();

            try (TestClient next = TestClient.connect("127.0.0.1", server.address().port())) {
                byte[] hello = "still here".getBytes(StandardCharsets.UTF_8);
                assertThat(next.echoFrame(hello)).isEqualTo(hello);
            }
        } finally {
            worker.shutdownNow();
            assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
