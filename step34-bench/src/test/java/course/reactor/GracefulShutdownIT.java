package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.ServerProcess;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SIGTERM to the packaged jar: every request already sent is answered, then the process exits 0. */
class GracefulShutdownIT {
    @Test
    void aClientStillSendingDuringTheShutdownGetsItsRepliesThenEndOfStreamNotAReset() throws Exception {
        try (ServerProcess server = ServerProcess.startJar(JAR, "--workers", "2");
             TestClient client = TestClient.connect(server.host(), server.port(), Duration.ofSeconds(20))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        client.sendFrame(frame(0, i));
                    }
                } catch (IOException e) {
                    writeFailure.set(e); // a reset (or a write after one): the server closed on unread bytes
                }
            }, "still-sending");
            writer.start();
            assertThat(client.receiveFrame()).isEqualTo(frame(0, 0));

            server.terminate();

            int replies = 1;
            try {
                while (true) {
                    assertThat(client.receiveFrame()).as("reply %d, in order", replies).isEqualTo(frame(0, replies));
                    replies++;
                }
            } catch (EOFException endOfStream) {
                // the server's FIN after its last reply: what a reset would have cut short arrived
            } finally {
                stop.set(true);
            }
            writer.join(10_000);
            assertThat(writeFailure.get()).as("what the writer met").isNull();
            client.close();
            assertThat(server.awaitExit(Duration.ofSeconds(15))).as("exit status").isZero();
        }
    }

    @Test
    void aCallbackStuckPastTheDeadlineCannotKeepTheProcessAlive() throws Exception {
        // With --workers 0 the work runs on the IO thread, which nothing can interrupt.
        try (ServerProcess server = ServerProcess.startJar(JAR, "--workers", "0", "--work-delay-ms", "60000",
                "--shutdown-timeout", "1");
             TestClient client = server.connect()) {
            client.sendFrame(frame(0, 0));

            server.terminate();

            assertThat(server.awaitExit(Duration.ofSeconds(15))).as("exit status").isEqualTo(1);
            assertThat(server.stderr()).contains("did not end within");
        }
    }

    private static final Path JAR = Path.of(System.getProperty("server.jar"));
    private static final int CLIENTS = 10;
    private static final int FRAMES = 50;

    @Test
    void sigtermAnswersEveryFrameAlreadySentThenClosesAndExitsZero() throws Exception {
        // 500 frames of 20 ms work on 2 workers: about 5 s of work when SIGTERM arrives.
        try (ServerProcess server = ServerProcess.startJar(JAR, "--workers", "2", "--work-delay-ms", "20")) {
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    TestClient client = TestClient.connect(server.host(), server.port(), Duration.ofSeconds(20));
                    clients.add(client);
                    assertThat(client.echoFrame(frame(c, -1))).isEqualTo(frame(c, -1)); // accepted and served
                }
                for (int c = 0; c < CLIENTS; c++) {
                    ByteArrayOutputStream frames = new ByteArrayOutputStream();
                    for (int i = 0; i < FRAMES; i++) {
                        frames.write(Frames.encode(frame(c, i)));
                    }
                    clients.get(c).send(frames.toByteArray());
                }

                server.terminate();

                Await.until("new clients to be refused while the work goes on", () -> isRefused(server));
                for (int c = 0; c < CLIENTS; c++) {
                    for (int i = 0; i < FRAMES; i++) {
                        assertThat(clients.get(c).receiveFrame()).as("client %d, frame %d", c, i).isEqualTo(frame(c, i));
                    }
                    assertThat(clients.get(c).awaitEof()).as("client %d closed after its replies", c).isTrue();
                    clients.get(c).close(); // as a client does at end of stream: the server waits for it
                }
                assertThat(server.awaitExit(Duration.ofSeconds(15))).as("exit status").isZero();
                assertThat(server.stderr()).doesNotContain("shutdown timeout");
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aClientThatNeverReadsCannotHoldTheShutdownBeyondItsTimeout() throws Exception {
        // One 32 MiB frame: its echo is more than the kernel's buffers between us can hold.
        byte[] huge = new byte[32 << 20];
        try (ServerProcess server = ServerProcess.startJar(JAR, "--max-frame", String.valueOf(huge.length),
                "--shutdown-timeout", "2");
             TestClient neverReads = server.connect()) {
            neverReads.sendFrame(huge);
            neverReads.receive(Frames.HEADER_BYTES); // the echo has begun; from now on we read nothing

            server.terminate();

            assertThat(server.awaitExit(Duration.ofSeconds(10))).as("exit status").isZero();
            assertThat(server.stderr()).containsPattern(
                    "shutdown timeout of 2 s reached: dropped 0 requests in work and \\d+ unsent bytes, closed 1 connections");
        }
    }

    private static boolean isRefused(ServerProcess server) throws IOException {
        try (TestClient late = TestClient.connect(server.host(), server.port())) {
            return false;
        } catch (SocketException e) { // ConnectException, or a reset of a handshake the closing listener had queued
            return true;
        }
    }

    private static byte[] frame(int client, int index) {
        return ("client " + client + " frame " + index).getBytes(StandardCharsets.UTF_8);
    }
}
