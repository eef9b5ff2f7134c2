package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import course.toolkit.Threads;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Business work on worker threads: slow work stalls nobody else, and replies keep their order. */
class WorkerPoolTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);
    private static final byte[] BLOCK = "block".getBytes(StandardCharsets.UTF_8);

    @Test
    void blockedWorkOnOneConnectionDoesNotStallOthersOnTheSameIoLoop() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EchoServer.Work work = message -> {
            if (Arrays.equals(message.toByteArray(), BLOCK)) {
                blocked.countDown();
                release.await();
            }
        };
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 1, 2, work); // one IO loop for both
        int port = echo.address().port();
        try (LoopThread running = new LoopThread(echo);
             TestClient slow = TestClient.connect("127.0.0.1", port);
             TestClient other = TestClient.connect("127.0.0.1", port)) {
            slow.sendFrame(BLOCK);
            Await.until("the slow work to start", () -> blocked.getCount() == 0);

            for (int i = 0; i < 10; i++) {
                byte[] message = Payloads.random(100, i);
                assertThat(other.echoFrame(message)).as("served while the other work is blocked").isEqualTo(message);
            }

            release.countDown();
            assertThat(slow.receiveFrame()).isEqualTo(BLOCK);
            assertThat(Threads.liveNamed("worker-")).hasSize(2);
        }
        assertThat(Threads.liveNamed("worker-")).as("the workers end with the server").isEmpty();
    }

    @Test
    void repliesOfOneConnectionKeepTheirOrder() throws Exception {
        // Every eighth message takes a little longer, so a plain pool would let later ones overtake it.
        EchoServer.Work uneven = message -> {
            if ((message.get(0) & 7) == 0) {
                Thread.sleep(1);
            }
        };
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 2, 4, uneven);
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            byte[] body = Payloads.random(1 + i % 100, i);
            bodies.add(body);
            pipelined.write(Frames.encode(body));
        }
        try (LoopThread running = new LoopThread(echo);
             TestClient client = TestClient.connect("127.0.0.1", echo.address().port())) {
            client.send(pipelined.toByteArray());
            for (byte[] body : bodies) {
                assertThat(client.receiveFrame()).isEqualTo(body);
            }
        }
    }

    @Test
    void aThousandMessagesAcrossTwentyClientsWithFourWorkersAllComeBackExact() throws Exception {
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 2, 4, EchoServer.delay(0));
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try (LoopThread running = new LoopThread(echo)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                int seed = c;
                results.add(clients.submit(() -> {
                    int intact = 0;
                    try (TestClient client = TestClient.connect("127.0.0.1", echo.address().port())) {
                        for (int i = 0; i < 50; i++) {
                            byte[] message = Payloads.random(1 + (seed * 50 + i) % 3000, seed * 1000L + i);
                            if (Arrays.equals(client.echoFrame(message), message)) {
                                intact++;
                            }
                        }
                    }
                    return intact;
                }));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(1000);
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
