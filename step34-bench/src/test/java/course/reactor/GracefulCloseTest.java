package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.TestClient;
import course.toolkit.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** close() for a server embedded in a program: the same order as on SIGTERM. */
class GracefulCloseTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void closeAnswersWhatWasSentFlushesClosesAndLeavesNoThread() throws Exception {
        EchoServer echo = new EchoServer(ANY_FREE_PORT, 1 << 20, 2, 2, EchoServer.delay(10));
        try (LoopThread serving = new LoopThread(echo);
             TestClient client = TestClient.connect("127.0.0.1", echo.address().port())) {
            assertThat(client.echoFrame(message(-1))).isEqualTo(message(-1));
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                frames.write(Frames.encode(message(i)));
            }
            client.send(frames.toByteArray());

            echo.close(); // 40 × 10 ms of work on 2 workers, well inside the default 10 s

            for (int i = 0; i < 40; i++) {
                assertThat(client.receiveFrame()).isEqualTo(message(i));
            }
            assertThat(client.awaitEof()).isTrue();
            assertThat(serving.awaitEnd(10_000)).as("start() has returned").isTrue();
        }
        assertThat(echo.server().connectionCount()).isZero();
        assertThat(Threads.liveNamed("io-")).isEmpty();
        assertThat(Threads.liveNamed("worker-")).isEmpty();
    }

    @Test
    void closeGivesUpOnAClientThatNeverReadsWhenTheTimeoutIsUp() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 1);
        byte[] huge = new byte[32 << 20]; // more than the kernel's buffers between us can hold
        server.setMessageCallback((connection, message) -> connection.send(huge));
        server.setShutdownTimeout(Duration.ofMillis(500));
        try (LoopThread serving = new LoopThread(server);
             TestClient neverReads = TestClient.connect("127.0.0.1", server.address().port())) {
            neverReads.sendFrame("give me a lot".getBytes(StandardCharsets.UTF_8));
            Await.until("the reply to be queued", () -> server.connections().stream()
                    .anyMatch(connection -> connection.peakHeldBytes() > 0));

            server.close();

            assertThat(server.connectionCount()).isZero();
            assertThat(serving.awaitEnd(10_000)).as("start() has returned").isTrue();
        }
        assertThat(Threads.liveNamed("io-")).isEmpty();
    }

    @Test
    void closeBeforeStartReleasesEverythingAndStartThenRefuses() throws Exception {
        TcpServer server = new TcpServer(ANY_FREE_PORT, 1 << 20, 1);
        int port = server.address().port();
        server.close();
        assertThatThrownBy(() -> TestClient.connect("127.0.0.1", port)).isInstanceOf(IOException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        server.close(); // a second close is harmless
    }

    private static byte[] message(int index) {
        return ("message " + index).getBytes(StandardCharsets.UTF_8);
    }
}
