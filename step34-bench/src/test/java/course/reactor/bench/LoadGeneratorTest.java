package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator counts what comes back right, catches what does not, and keeps its schedule. */
class LoadGeneratorTest {
    private static final Duration WARMUP = Duration.ofMillis(100);
    private static final Duration WINDOW = Duration.ofMillis(300);
    /** Long enough for any machine: an honest server ends the drain as soon as its last reply is in. */
    private static final Duration PATIENT = Duration.ofSeconds(20);
    private static final Duration SHORT_DRAIN = Duration.ofMillis(200);

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void closedLoopCountsEveryRepliedFrameAndNoErrorsAgainstAnHonestEcho() throws Exception {
        int port = echoServer(bytes -> { });
        LoadGenerator.Result result = LoadGenerator.run(closed(port, 20, 4, 100).withDrain(PATIENT));

        assertThat(result.errors()).isZero();
        assertThat(result.unanswered()).isZero();
        assertThat(result.connectionsHeld()).isEqualTo(20);
        assertThat(result.messages()).isPositive();
        assertThat(result.latencies().getTotalCount()).isEqualTo(result.messages());
        assertThat(result.p50Micros()).isPositive().isLessThanOrEqualTo(result.p99Micros());
        assertThat(result.line()).matches("RESULT mode=closed msgs_per_s=\\d+ mb_per_s=[\\d.]+ p50_us=[\\d.]+ p99_us=[\\d.]+"
                + " p999_us=[\\d.]+ max_us=[\\d.]+ errors=0 unanswered=0 connections=20");
    }

    @Test
    void aWrongByteIsAnErrorAndCostsThatConnection() throws Exception {
        int port = echoServer(bytes -> bytes[bytes.length - 1] ^= 1); // the last byte of every chunk, flipped
        LoadGenerator.Result result = LoadGenerator.run(closed(port, 3, 1, 64));

        assertThat(result.errors()).isEqualTo(3);
        assertThat(result.connectionsHeld()).isZero();
    }

    @Test
    void aReplyToAFrameNeverSentIsAnError() throws Exception {
        int port = server(socket -> {
            byte[] frame = socket.getInputStream().readNBytes(68);
            socket.getOutputStream().write(frame);
            socket.getOutputStream().write(frame); // the right bytes, but twice
            socket.getInputStream().transferTo(socket.getOutputStream()); // then an honest echo
        });
        LoadGenerator.Result result = LoadGenerator.run(closed(port, 2, 1, 64));

        assertThat(result.errors()).isEqualTo(2);
        assertThat(result.connectionsHeld()).isZero();
    }

    @Test
    void aConnectionTheServerClosesIsAnError() throws Exception {
        int port = server(socket -> {
            socket.getInputStream().read(); // take the first byte, then hang up
            socket.close();
        });

        LoadGenerator.Result result = LoadGenerator.run(closed(port, 2, 1, 64));

        assertThat(result.errors()).isEqualTo(2);
        assertThat(result.messages()).isZero();
    }

    @Test
    void aServerThatStopsAnsweringWithoutClosingIsAnErrorAndItsFramesUnanswered() throws Exception {
        int port = firstFrameOnlyServer(68);
        // Depth 2: frames 0 and 1 go out, frame 0 comes back, frame 2 follows it; 1 and 2 never return.
        LoadGenerator.Result result = LoadGenerator.run(closed(port, 3, 2, 64).withDrain(SHORT_DRAIN));

        assertThat(result.errors()).isEqualTo(3);
        assertThat(result.unanswered()).isEqualTo(6);
        assertThat(result.connectionsHeld()).isZero();
    }

    @Test
    void anOpenLoopAgainstASilentServerEndsWithEveryConnectionAnError() throws Exception {
        int port = firstFrameOnlyServer(0);
        LoadGenerator.Result result = LoadGenerator.run(open(port, 4, 1_000).withDrain(SHORT_DRAIN));

        assertThat(result.errors()).isEqualTo(4);
        assertThat(result.unanswered()).isPositive();
        assertThat(result.messages()).isZero();
    }

    /**
     * Every connection sends every frame of its schedule, and the latency histogram holds exactly
     * the frames meant for the window: 20 connections at 2,000 msgs/s send one frame each 10 ms,
     * so a 300 ms window holds 30 of each connection's, whatever its phase. Split over threads,
     * the histograms merge to the same count.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void anOpenLoopRecordsExactlyTheFramesItsScheduleMeantForTheWindow(int threads) throws Exception {
        int port = echoServer(bytes -> { });
        LoadGenerator.Result result = LoadGenerator.run(open(port, 20, 2_000).withThreads(threads).withDrain(PATIENT));

        assertThat(result.errors()).isZero();
        assertThat(result.unanswered()).isZero();
        assertThat(result.connectionsHeld()).isEqualTo(20);
        assertThat(result.latencies().getTotalCount()).isEqualTo(20 * 30);
        assertThat(result.mode()).isEqualTo(LoadGenerator.Mode.OPEN);
        assertThat(result.offeredPerSecond()).isEqualTo(2_000);
    }

    /**
     * A server that needs 20 ms per frame, offered one every 10 ms per connection, falls behind.
     * The frames meant for the window are still all sent (the generator does not slow down to the
     * server's pace), all timed from their schedule, and all counted once answered in the drain,
     * although far fewer replies arrived inside the window.
     */
    @Test
    void aServerThatFallsBehindIsChargedForEveryFrameItsScheduleMeantForTheWindow() throws Exception {
        int port = slowEchoServer(68, Duration.ofMillis(20));
        LoadGenerator.Result result = LoadGenerator.run(open(port, 20, 2_000).withDrain(PATIENT));

        assertThat(result.errors()).isZero();
        assertThat(result.unanswered()).isZero();
        assertThat(result.latencies().getTotalCount()).isEqualTo(20 * 30);
        assertThat(result.messages()).isLessThan(20 * 30); // at 20 ms a frame, at most 16 per connection came back in time
    }

    /**
     * A server that reads nothing until the window is over: 64 KiB frames soon fill the socket
     * buffers, and the generator cannot send. The frames its schedule meant for the window are owed
     * anyway, sent when the server reads again, and every one is timed from its schedule.
     */
    @Test
    void framesTheSocketCouldNotTakeInTimeAreOwedNotForgiven() throws Exception {
        CountDownLatch windowOver = new CountDownLatch(1);
        int port = server(socket -> {
            try {
                windowOver.await();
            } catch (InterruptedException e) {
                return;
            }
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
        LoadGenerator.Config config = LoadGenerator.Config.open("127.0.0.1", port, 10, 64 * 1024, 1_000, WARMUP, WINDOW);

        LoadGenerator.Result result = LoadGenerator.run(config.withDrain(PATIENT), new LoadGenerator.Probe() {
            @Override
            public void atMeasureEnd() {
                windowOver.countDown();
            }
        });

        assertThat(result.errors()).isZero();
        assertThat(result.unanswered()).isZero();
        assertThat(result.messages()).isZero(); // nothing came back inside the window
        assertThat(result.latencies().getTotalCount()).isEqualTo(10 * 30); // one frame each 10 ms per connection
    }

    @Test
    void idleConnectsTellsTheProbeAndSendsNothing() throws Exception {
        AtomicLong bytes = new AtomicLong();
        AtomicInteger ended = new AtomicInteger();
        int port = server(socket -> {
            try (InputStream in = socket.getInputStream()) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    bytes.incrementAndGet();
                }
            }
            ended.incrementAndGet();
        });
        int[] told = new int[1];

        LoadGenerator.Result result = LoadGenerator.run(LoadGenerator.Config.idle("127.0.0.1", port, 5),
                new LoadGenerator.Probe() {
                    @Override
                    public void connected(int connections) {
                        told[0] = connections;
                    }
                });

        assertThat(told[0]).isEqualTo(5);
        assertThat(result.connectionsHeld()).isEqualTo(5);
        Await.until("the server saw all 5 connections end", () -> ended.get() == 5);
        assertThat(bytes.get()).isZero();
    }

    @Test
    void framesDifferPerConnectionSoACrossedReplyIsCaught() {
        assertThat(LoadGenerator.frame(64, 1)).isNotEqualTo(LoadGenerator.frame(64, 2));
        assertThat(LoadGenerator.frame(64, 1)).hasSize(68).startsWith(0, 0, 0, 64);
    }

    private static LoadGenerator.Config closed(int port, int connections, int depth, int payload) {
        return LoadGenerator.Config.closed("127.0.0.1", port, connections, depth, payload, WARMUP, WINDOW);
    }

    private static LoadGenerator.Config open(int port, int connections, double perSecond) {
        return LoadGenerator.Config.open("127.0.0.1", port, connections, 64, perSecond, WARMUP, WINDOW);
    }

    /** A thread-per-connection echo server that may tamper with each chunk before sending it back. */
    private int echoServer(Tamper tamper) throws IOException {
        return server(socket -> {
            byte[] buffer = new byte[8192];
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                tamper.apply(chunk);
                out.write(chunk);
            }
        });
    }

    /** Echoes the first {@code echoed} bytes of each connection, then reads and drops the rest, never closing. */
    private int firstFrameOnlyServer(int echoed) throws IOException {
        return server(socket -> {
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write(in.readNBytes(echoed));
            in.transferTo(OutputStream.nullOutputStream());
        });
    }

    /** Echoes each {@code frameBytes}-byte frame after {@code serviceTime}: a server with a fixed cost per frame. */
    private int slowEchoServer(int frameBytes, Duration serviceTime) throws IOException {
        return server(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (byte[] frame = in.readNBytes(frameBytes); frame.length == frameBytes; frame = in.readNBytes(frameBytes)) {
                LockSupport.parkNanos(serviceTime.toNanos()); // the work each frame costs
                out.write(frame);
            }
        });
    }

    /** A loopback server on a free port that runs {@code perConnection} on a thread of each accepted socket. */
    private int server(Handler perConnection) throws IOException {
        ServerSocket listener = new ServerSocket(0);
        toClose.add(listener);
        daemon("test-acceptor", () -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    toClose.add(socket);
                    daemon("test-connection", () -> {
                        try {
                            perConnection.serve(socket);
                        } catch (IOException e) {
                            // the generator hung up
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return listener.getLocalPort();
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private interface Tamper {
        void apply(byte[] bytes);
    }

    private interface Handler {
        void serve(Socket socket) throws IOException;
    }
}
