package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void runsTheCallbacksOfReadyChannelsUntilAskedToStop() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            AtomicInteger accepted = new AtomicInteger();
            Channel listenChannel = new Channel(loop, listener);
            listenChannel.setReadCallback(() -> acceptAll(listener, accepted));
            listenChannel.enableReading();

            LoopThread running = new LoopThread(loop);
            try (running) {
                for (int i = 1; i <= 3; i++) {
                    try (TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
                        int expected = i;
                        Await.until("connection " + i + " accepted by the loop", () -> accepted.get() == expected);
                    }
                }
                assertThat(running.isRunning()).isTrue();
            }
            assertThat(running.isRunning()).as("stop() ended run()").isFalse();
        }
    }

    @Test
    void stopsWhenACallbackAsksItTo() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(loop, listener);
            listenChannel.setReadCallback(() -> {
                acceptAll(listener, new AtomicInteger());
                loop.stop();
            });
            listenChannel.enableReading();

            try (LoopThread running = new LoopThread(loop);
                 TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
                assertThat(running.awaitEnd(10_000)).as("run() returned by itself").isTrue();
            }
        }
    }

    @Test
    void callsTheTimeoutCallbackWhenSelectWaitedInVain() throws Exception {
        EventLoop loop = new EventLoop();
        AtomicInteger timeouts = new AtomicInteger();
        loop.setTimeoutCallback(5, timeouts::incrementAndGet);
        try (LoopThread running = new LoopThread(loop)) {
            Await.until("three timeouts", () -> timeouts.get() >= 3);
        }
    }

    @Test
    void aTimeoutCallbackThatThrowsDoesNotEndTheLoop() throws Exception {
        EventLoop loop = new EventLoop();
        AtomicInteger timeouts = new AtomicInteger();
        loop.setTimeoutCallback(5, () -> {
            int call = timeouts.incrementAndGet();
            if (call == 1) {
                throw new IllegalStateException("a bug in a callback (expected by the test)");
            }
            if (call == 2) {
                throw new AssertionError("an Error in a callback (expected by the test)");
            }
        });
        try (LoopThread running = new LoopThread(loop)) {
            Await.until("more timeouts after the ones that threw", () -> timeouts.get() >= 4);
            assertThat(running.isRunning()).isTrue();
        }
    }

    @Test
    void aCallbackThatThrowsCostsOnlyItsOwnConnection() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient faulty = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient erring = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient healthy = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket faultySocket = Await.value("the first connection", listener::accept);
            Socket erringSocket = Await.value("the second connection", listener::accept);
            Socket healthySocket = Await.value("the third connection", listener::accept);
            Channel broken = new Channel(loop, faultySocket);
            broken.setReadCallback(() -> {
                throw new IllegalStateException("a bug in a callback (expected by the test)");
            });
            broken.enableReading();
            Channel failing = new Channel(loop, erringSocket);
            failing.setReadCallback(() -> {
                throw new AssertionError("an Error in a callback (expected by the test)");
            });
            failing.enableReading();
            AtomicInteger served = new AtomicInteger();
            Channel working = new Channel(loop, healthySocket);
            working.setReadCallback(() -> {
                readSome(healthySocket);
                served.incrementAndGet();
            });
            working.enableReading();

            LoopThread running = new LoopThread(loop);
            try (running) {
                faulty.send(new byte[] {1});
                assertThat(faulty.awaitEof()).as("the failing connection is closed").isTrue();
                erring.send(new byte[] {3});
                assertThat(erring.awaitEof()).as("the connection whose callback threw an Error is closed").isTrue();
                healthy.send(new byte[] {2});
                Await.until("the other connection to be served", () -> served.get() >= 1);
                assertThat(running.isRunning()).as("the loop survived").isTrue();
            }
            healthySocket.close();
        }
    }

    @Test
    void aSocketClosedInItsCallbackIsNeverReportedAgain() throws Exception {
        // The heir of lesson 8's EpollTest check: a closed socket leaves the selector, though the
        // byte it never read would keep a level-triggered event ready for ever.
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient closing = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient other = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket closingSocket = Await.value("the first connection", listener::accept);
            Socket otherSocket = Await.value("the second connection", listener::accept);
            AtomicInteger closingEvents = new AtomicInteger();
            Channel closed = new Channel(loop, closingSocket);
            closed.setReadCallback(() -> {
                closingEvents.incrementAndGet();
                closingSocket.close(); // without reading the byte
            });
            closed.enableReading();
            AtomicInteger otherEvents = new AtomicInteger();
            Channel working = new Channel(loop, otherSocket);
            working.setReadCallback(() -> {
                readSome(otherSocket);
                otherEvents.incrementAndGet();
            });
            working.enableReading();

            try (LoopThread running = new LoopThread(loop)) {
                closing.send(new byte[] {1});
                Await.until("the first connection's callback", () -> closingEvents.get() == 1);
                for (int round = 1; round <= 3; round++) { // three more rounds of the loop, at least
                    other.send(new byte[] {2});
                    int served = round;
                    Await.until("the other connection served", () -> otherEvents.get() == served);
                }
                assertThat(closingEvents.get()).as("a closed socket is no longer reported").isEqualTo(1);
            }
            otherSocket.close();
        }
    }

    @Test
    void aLoopStoppedBeforeItRunsReturnsAtOnce() throws Exception {
        EventLoop loop = new EventLoop();
        loop.stop();
        try (LoopThread running = new LoopThread(loop)) {
            assertThat(running.awaitEnd(10_000)).isTrue();
        }
    }

    private static void acceptAll(Socket listener, AtomicInteger accepted) {
        try {
            for (Socket client = listener.accept(); client != null; client = listener.accept()) {
                accepted.incrementAndGet();
                client.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readSome(Socket socket) {
        try {
            socket.read(ByteBuffer.allocate(64));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
