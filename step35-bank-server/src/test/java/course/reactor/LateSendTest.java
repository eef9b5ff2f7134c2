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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
            Message reply = message.copy(); // the view ends with this callback
            worker.execute(() -> {
                awaitQuietly(clientGone); // the reply is made only after the client has gone
                connection.send(reply);
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

    @Test
    void onceTheLoopsHaveStoppedEverySendIsRefusedAndCountedAndNothingIsLeft() throws Exception {
        TcpServer server = new TcpServer(new InetAddress("127.0.0.1", 0), 1 << 20, 2);
        ExecutorService workers = Executors.newFixedThreadPool(2, task -> new Thread(task, "late-worker"));
        AtomicBoolean stopSending = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> workerFailure = new AtomicReference<>();
        server.setMessageCallback((connection, message) -> {
            Message reply = message.copy(); // the view ends with this callback
            workers.execute(() -> {
                try {
                    while (!stopSending.get()) { // a worker that keeps replying, right through the stop
                        connection.send(reply);
                        sent.incrementAndGet();
                    }
                } catch (Throwable e) {
                    workerFailure.set(e);
                }
            });
        });
        Map<Connection, Long> refusedInRelease = new ConcurrentHashMap<>();
        server.setReleaseCallback(() -> {
            stopSending.set(true);
            workers.shutdown();
            awaitQuietly(workers);
            for (Connection connection : server.connections()) { // no loop runs, nothing is closed yet
                long before = connection.lateSends();
                for (int i = 0; i < 10; i++) {
                    connection.send(new byte[] {1});
                }
                refusedInRelease.put(connection, connection.lateSends() - before);
            }
        });
        List<TestClient> clients = new ArrayList<>();
        LoopThread running = new LoopThread(server);
        try {
            for (int i = 0; i < 4; i++) {
                TestClient client = TestClient.connect("127.0.0.1", server.address().port());
                client.sendFrame(new byte[] {(byte) i});
                clients.add(client);
            }
            Await.until("the workers to be sending", () -> sent.get() > 1_000);
        } finally {
            running.close(); // stops the server while the workers send
            for (TestClient client : clients) {
                client.close();
            }
        }
        assertThat(workerFailure.get()).as("no send threw").isNull();
        assertThat(refusedInRelease).hasSize(4).allSatisfy((connection, refused) -> assertThat(refused).isEqualTo(10));
        assertThat(Threads.liveNamed("io-")).isEmpty();
        assertThat(Threads.liveNamed("late-worker")).isEmpty();
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the workers did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
