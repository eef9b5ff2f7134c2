package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The framed echo contract over real loopback TCP: each message comes back as it went. */
class EchoTest {
    private static final int MAX_FRAME = 1 << 20;
    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.startMain(Main.class);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void echoesOneMessage() throws Exception {
        try (TestClient client = server.connect()) {
            byte[] hello = "hello, reactor".getBytes(StandardCharsets.UTF_8);
            assertThat(client.echoFrame(hello)).isEqualTo(hello);
        }
    }

    @Test
    void echoesAOneMebibyteMessageByteExact() throws Exception {
        byte[] payload = Payloads.random(MAX_FRAME, 1);
        try (TestClient client = server.connect()) {
            assertThat(client.echoFrame(payload)).isEqualTo(payload);
        }
    }

    @Test
    void echoesAnEmptyMessage() throws Exception {
        try (TestClient client = server.connect()) {
            assertThat(client.echoFrame(new byte[0])).isEmpty();
        }
    }

    @Test
    void aMessageSplitIntoOneByteWritesComesBackWhole() throws Exception {
        byte[] body = Payloads.random(300, 19);
        try (TestClient client = server.connect()) {
            for (byte b : Frames.encode(body)) {
                client.send(new byte[] {b});
            }
            assertThat(client.receiveFrame()).isEqualTo(body);
        }
    }

    @Test
    void manyMessagesStuckIntoOneWriteAllComeBackInOrder() throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream stuck = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] body = Payloads.random(i % 50, i);
            bodies.add(body);
            stuck.write(Frames.encode(body));
        }
        try (TestClient client = server.connect()) {
            client.send(stuck.toByteArray());
            for (byte[] body : bodies) {
                assertThat(client.receiveFrame()).isEqualTo(body);
            }
        }
    }

    @Test
    void aLengthAboveTheLimitOrBelowZeroClosesOnlyThatConnection() throws Exception {
        try (TestClient steady = server.connect()) {
            byte[] before = Payloads.random(5_000, 20);
            assertThat(steady.echoFrame(before)).isEqualTo(before);

            for (int badLength : new int[] {MAX_FRAME + 1, -1}) {
                int logSoFar = server.stderr().length();
                try (TestClient bad = server.connect()) {
                    bad.send(Frames.header(badLength));
                    assertThat(bad.awaitEof()).as("closed after length " + badLength).isTrue();
                    Await.until("one log line naming the peer and the reason", () -> server.stderr().substring(logSoFar)
                            .contains("127.0.0.1:" + bad.localPort() + ": frame length " + badLength));
                }
                byte[] after = Payloads.random(5_000, badLength);
                assertThat(steady.echoFrame(after)).isEqualTo(after);
            }
        }
    }

    @Test
    void servesFiftyConcurrentClients() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                long seed = c;
                results.add(clients.submit(echoManyMessages(seed, 100)));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(100);
            }
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void abruptDisconnectsDoNotDisturbOtherClients() throws Exception {
        try (TestClient steady = server.connect()) {
            byte[] before = Payloads.random(5_000, 2);
            assertThat(steady.echoFrame(before)).isEqualTo(before);

            // Resets in the middle of a message, before its body is complete.
            TestClient resetMidMessage = server.connect();
            resetMidMessage.send(Arrays.copyOf(Frames.encode(Payloads.random(20_000, 3)), 10_000));
            resetMidMessage.reset();
            // Resets right after connecting.
            server.connect().reset();
            // Sends, then closes normally without reading: the server's echo hits a closed socket.
            TestClient leavesWithoutReading = server.connect();
            leavesWithoutReading.sendFrame(Payloads.random(20_000, 4));
            leavesWithoutReading.close();

            byte[] after = Payloads.random(200_000, 5);
            assertThat(steady.echoFrame(after)).isEqualTo(after);
        }
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void closesTheConnectionAfterThePeerFinishesSending() throws Exception {
        try (TestClient client = server.connect()) {
            byte[] last = "last words".getBytes(StandardCharsets.UTF_8);
            client.sendFrame(last);
            client.shutdownOutput();
            assertThat(client.receiveFrame()).isEqualTo(last);
            assertThat(client.awaitEof()).as("server closes after reading EOF").isTrue();
        }
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestsGetsEveryReplyThenEof() throws Exception {
        // 16 MiB of requests, written by a second thread that then half-closes. The client reads
        // while it writes: since lesson 21 the server stops reading from a client whose replies
        // pile up, so a client that reads only after writing everything would wait forever.
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            byte[] body = Payloads.random(4096, i);
            bodies.add(body);
            requests.write(Frames.encode(body));
        }
        try (TestClient client = server.connect()) {
            Thread writer = new Thread(() -> {
                try {
                    client.send(requests.toByteArray());
                    client.shutdownOutput(); // half-close: no more requests, but we still read
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "half-closing-writer");
            writer.start();

            for (byte[] body : bodies) {
                assertThat(client.receiveFrame()).isEqualTo(body);
            }
            assertThat(client.awaitEof()).as("closed once every reply was out").isTrue();
            writer.join(10_000);
        }
    }

    @Test
    void logsAResetNamingThePeerButNotAnOrderlyClose() throws Exception {
        int logSoFar = server.stderr().length();
        int orderlyPort;
        try (TestClient orderly = server.connect()) {
            orderlyPort = orderly.localPort();
            orderly.shutdownOutput();
            assertThat(orderly.awaitEof()).isTrue(); // the server has read EOF and closed
        }
        TestClient abrupt = server.connect();
        int abruptPort = abrupt.localPort();
        byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
        assertThat(abrupt.echoFrame(hi)).isEqualTo(hi);
        abrupt.reset();

        Await.until("a log line naming the reset peer",
                () -> server.stderr().substring(logSoFar).contains("closing 127.0.0.1:" + abruptPort + ": "));
        assertThat(server.stderr().substring(logSoFar)).doesNotContain("127.0.0.1:" + orderlyPort + ": ");
    }

    /** One client sending messages of random sizes; returns how many came back intact. */
    private static Callable<Integer> echoManyMessages(long seed, int count) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed);
            try (TestClient client = server.connect()) {
                int intact = 0;
                for (int i = 0; i < count; i++) {
                    byte[] message = Payloads.random(random.nextInt(2_000), random.nextLong());
                    if (Arrays.equals(client.echoFrame(message), message)) {
                        intact++;
                    }
                }
                return intact;
            }
        };
    }
}
