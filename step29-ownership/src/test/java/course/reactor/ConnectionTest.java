package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A Connection over a real accepted socket, served by a loop on a test thread. */
class ConnectionTest {
    @Test
    void aMessageCallbackThatThrowsEndsTheConnectionThroughItsOwner() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.setMessageCallback((from, message) -> {
                throw new IllegalStateException("a bug in a callback (expected by the test)");
            });
            AtomicInteger ownerTold = new AtomicInteger();
            connection.setCloseCallback(ended -> {
                ownerTold.incrementAndGet();
                ended.close();
            });
            connection.start(); // callbacks first, then events
            try (LoopThread running = new LoopThread(loop)) {
                client.sendFrame(new byte[] {1});
                assertThat(client.awaitEof()).as("the connection is closed").isTrue();
                Await.until("its owner to be told, so that it forgets it", () -> ownerTold.get() == 1);
                assertThat(running.isRunning()).isTrue();
            }
        }
    }

    @Test
    void aSendThatFailsClosesTheConnectionItWasForNotTheSender() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient sender = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection from = new Connection(loop, Await.value("the sender's connection", listener::accept), 1, MAX_FRAME);
            TestClient gone = TestClient.connect("127.0.0.1", listener.address().port());
            Connection to = new Connection(loop, Await.value("the other connection", listener::accept), 2, MAX_FRAME);
            AtomicInteger fromClosed = new AtomicInteger();
            AtomicInteger toClosed = new AtomicInteger();
            from.setCloseCallback(ended -> {
                fromClosed.incrementAndGet();
                ended.close();
            });
            to.setCloseCallback(ended -> {
                toClosed.incrementAndGet();
                ended.close();
            });
            from.setMessageCallback((self, message) -> {
                to.send(message); // a relay, say: the other client is gone, so this write fails
                self.send(message);
            });
            from.start(); // callbacks first, then events
            to.start();
            try (LoopThread running = new LoopThread(loop)) {
                gone.reset();
                Await.until("the loop to close the reset connection", () -> toClosed.get() >= 1);
                byte[] message = {1, 2, 3};
                assertThat(sender.echoFrame(message)).as("the sender is still served").isEqualTo(message);
                assertThat(fromClosed).hasValue(0);
            }
        }
    }

    @Test
    void aLowMarkOfZeroResumesReadingOnceEverythingIsOut() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.setMessageCallback(Connection::send);
            connection.setHighWaterMarkCallback(Connection::stopReading, 64 * 1024);
            connection.setLowWaterMarkCallback(Connection::startReading, 0); // "only a high mark"
            connection.start(); // callbacks first, then events
            byte[] body = Payloads.random(MAX_FRAME, 21);
            int frames = 16 * 1024; // 16 MiB: more than the kernel's buffers hold, so the queue grows
            try (LoopThread running = new LoopThread(loop)) {
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < frames; i++) {
                            client.sendFrame(body);
                        }
                    } catch (IOException e) {
                        // the reads below fail if the echo does not come back
                    }
                }, "flooding-client");
                writer.start();
                Await.until("reading to stop at the high mark", () -> !connection.isReading());
                for (int i = 0; i < frames; i++) {
                    assertThat(client.receiveFrame()).isEqualTo(body);
                }
                writer.join(10_000);
                assertThat(client.echoFrame(body)).as("reading resumed once the queue was empty").isEqualTo(body);
            }
        }
    }

    @Test
    void refusesALowWaterMarkThatIsNotBelowTheHighOne() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.setHighWaterMarkCallback(Connection::stopReading, 1024);
            assertThatThrownBy(() -> connection.setLowWaterMarkCallback(Connection::startReading, 1024))
                    .isInstanceOf(IllegalArgumentException.class);
            connection.setLowWaterMarkCallback(Connection::startReading, 1023);
            assertThatThrownBy(() -> connection.setHighWaterMarkCallback(Connection::stopReading, 1023))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);
    private static final int MAX_FRAME = 1000;

    @Test
    void servesItsSocketInTheLoopUntilThePeerFinishes() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket accepted = Await.value("a connection to accept", listener::accept);
            Connection connection = new Connection(loop, accepted, 1, MAX_FRAME);
            connection.setMessageCallback(Connection::send);
            assertThat(connection.peerAddress()).hasToString("127.0.0.1:" + client.localPort());

            connection.start(); // callbacks first, then events

            try (LoopThread running = new LoopThread(loop)) {
                byte[] payload = Payloads.random(MAX_FRAME, 12);
                assertThat(client.echoFrame(payload)).isEqualTo(payload);

                client.shutdownOutput();
                assertThat(client.awaitEof()).as("the connection closed its socket after EOF").isTrue();
            }
            assertThat(accepted.channel().isOpen()).isFalse();
        }
    }

    @Test
    void tellsWhenEverythingQueuedHasBeenWritten() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.setMessageCallback(Connection::send);
            AtomicInteger writesCompleted = new AtomicInteger();
            connection.setWriteCompleteCallback(done -> writesCompleted.incrementAndGet());

            connection.start(); // callbacks first, then events

            try (LoopThread running = new LoopThread(loop)) {
                for (int i = 1; i <= 3; i++) {
                    byte[] message = Payloads.random(100, i);
                    assertThat(client.echoFrame(message)).isEqualTo(message);
                    int expected = i;
                    Await.until("write complete " + i, () -> writesCompleted.get() == expected);
                }
            }
        }
    }

    @Test
    void deliversWholeMessagesHoweverTheBytesArrive() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            List<byte[]> messages = new CopyOnWriteArrayList<>();
            connection.setMessageCallback((from, message) -> messages.add(message));

            connection.start(); // callbacks first, then events

            try (LoopThread running = new LoopThread(loop)) {
                // Split (分包): one message, one byte per write.
                for (byte b : Frames.encode(new byte[] {1, 2, 3})) {
                    client.send(new byte[] {b});
                }
                // Stuck (粘包): three messages in one write, the last one empty.
                ByteArrayOutputStream stuck = new ByteArrayOutputStream();
                stuck.write(Frames.encode(new byte[] {4}));
                stuck.write(Frames.encode(new byte[] {5, 6}));
                stuck.write(Frames.encode(new byte[0]));
                client.send(stuck.toByteArray());

                Await.until("four messages", () -> messages.size() == 4);
            }
            assertThat(messages).containsExactly(new byte[] {1, 2, 3}, new byte[] {4}, new byte[] {5, 6}, new byte[0]);
        }
    }

    @Test
    void aLengthOutsideTheLimitEndsTheConnection() throws Exception {
        for (int badLength : new int[] {MAX_FRAME + 1, -1}) {
            EventLoop loop = new EventLoop();
            try (Socket listener = Socket.listen(ANY_FREE_PORT);
                 TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
                Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
                AtomicInteger messages = new AtomicInteger();
                AtomicInteger closes = new AtomicInteger();
                connection.setMessageCallback((from, message) -> messages.incrementAndGet());
                connection.setCloseCallback(ended -> {
                    closes.incrementAndGet();
                    ended.close();
                });

                connection.start(); // callbacks first, then events

                try (LoopThread running = new LoopThread(loop)) {
                    client.send(Frames.header(badLength));
                    assertThat(client.awaitEof()).as("closed after length " + badLength).isTrue();
                }
                assertThat(closes).hasValue(1);
                assertThat(messages).hasValue(0);
            }
        }
    }
}
