package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
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

/** The raw echo contract over real loopback TCP: whatever arrives goes back, byte for byte. */
class EchoTest {
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
            byte[] hello = "hello, reactor\n".getBytes(StandardCharsets.UTF_8);
            assertThat(client.echo(hello)).isEqualTo(hello);
        }
    }

    @Test
    void echoesOneMebibyteByteExact() throws Exception {
        byte[] payload = Payloads.random(1 << 20, 1);
        try (TestClient client = server.connect()) {
            assertThat(client.echo(payload)).isEqualTo(payload);
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
            assertThat(steady.echo(before)).isEqualTo(before);

            // Resets in the middle of a large message, before reading any of the echo.
            TestClient resetMidMessage = server.connect();
            resetMidMessage.send(Payloads.random(20_000, 3));
            resetMidMessage.reset();
            // Resets right after connecting.
            server.connect().reset();
            // Sends, then closes normally without reading: the server's echo hits a closed socket.
            TestClient leavesWithoutReading = server.connect();
            leavesWithoutReading.send(Payloads.random(20_000, 4));
            leavesWithoutReading.close();

            byte[] after = Payloads.random(200_000, 5);
            assertThat(steady.echo(after)).isEqualTo(after);
        }
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void closesTheConnectionAfterThePeerFinishesSending() throws Exception {
        try (TestClient client = server.connect()) {
            byte[] last = "last words".getBytes(StandardCharsets.UTF_8);
            client.send(last);
            client.shutdownOutput();
            assertThat(client.receive(last.length)).isEqualTo(last);
            assertThat(client.awaitEof()).as("server closes after reading EOF").isTrue();
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
        assertThat(abrupt.echo(hi)).isEqualTo(hi);
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
                    byte[] message = Payloads.random(1 + random.nextInt(2_000), random.nextLong());
                    if (Arrays.equals(client.echo(message), message)) {
                        intact++;
                    }
                }
                return intact;
            }
        };
    }
}
