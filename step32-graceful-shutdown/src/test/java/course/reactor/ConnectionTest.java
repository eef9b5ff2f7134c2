package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A Connection over a real accepted socket, served by a loop on a test thread. */
class ConnectionTest {
    @Test
    void aMessageCallbackThatThrowsEndsTheConnectionThroughItsOwner() throws Exception {
        endsThroughItsOwnerWhenTheCallbackThrows(new IllegalStateException("a bug in a callback (expected by the test)"));
    }

    @Test
    void aMessageCallbackThatThrowsAnErrorEndsTheConnectionThroughItsOwnerToo() throws Exception {
        // A failed assertion or a stack overflow in one client's callback still costs one connection.
        endsThroughItsOwnerWhenTheCallbackThrows(new AssertionError("an Error in a callback (expected by the test)"));
    }

    private static void endsThroughItsOwnerWhenTheCallbackThrows(Throwable failure) throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.setMessageCallback((from, message) -> {
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
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
    void theHighWaterMarkIsToldOnceTheBytesHeldReachItNotOneByteLater() throws Exception {
        try (EventLoop loop = new EventLoop(); // not running: this thread is its thread
             Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket accepted = Await.value("a connection", listener::accept)) {
            Connection connection = new Connection(loop, accepted, 1, MAX_FRAME);
            AtomicInteger marks = new AtomicInteger();
            connection.setHighWaterMarkCallback(self -> marks.incrementAndGet(), 1000);

            connection.startWork(999); // requests taken into work count as held
            assertThat(marks).as("below the mark").hasValue(0);
            connection.startWork(1);
            assertThat(marks).as("at the mark").hasValue(1);
            assertThat(connection.peakHeldBytes()).isEqualTo(1000);
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

    @Test
    void onceAShutdownHasFinishedReadingTheLowWaterMarkResumesNothing() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            connection.start(); // callbacks first, then events
            try (LoopThread running = new LoopThread(loop)) {
                loop.awaitRunning(); // or finishReading runs here, on this thread, while the loop starts
                connection.finishReading();
                CompletableFuture<Boolean> readingAfterResume = new CompletableFuture<>();
                loop.runInLoop(() -> {
                    connection.startReading(); // what the low-water callback does when the replies drain
                    readingAfterResume.complete(connection.isReading());
                });
                assertThat(readingAfterResume.get(10, TimeUnit.SECONDS)).isFalse();
            }
        }
    }

    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);
    private static final int MAX_FRAME = 1000;
    /** A reply this big does not fit in the kernel's buffers while the client is not reading. */
    private static final int BIG_FRAME = 4 << 20;

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

    @Test
    void asksForWriteEventsOnlyWhileAReplyWaitsForRoom() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket accepted = withSmallSendBuffer(Await.value("a connection", listener::accept))) {
            Connection connection = new Connection(loop, accepted, 1, BIG_FRAME);
            connection.setMessageCallback(Connection::send);
            connection.start(); // callbacks first, then events
            SelectionKey key = registration(loop, accepted, listener);

            try (LoopThread running = new LoopThread(loop)) {
                byte[] payload = Payloads.random(BIG_FRAME, 20);
                client.sendFrame(payload); // and read nothing yet: most of the reply has to wait
                Await.until("write interest while the reply waits", () -> (key.interestOps() & SelectionKey.OP_WRITE) != 0);

                assertThat(client.receiveFrame()).isEqualTo(payload);
                Await.until("no write interest once the output buffer is empty",
                        () -> key.interestOps() == SelectionKey.OP_READ);
            }
        }
    }

    @Test
    void aConnectionClosedByAnotherCallbackOfTheSameRoundGetsNoneOfItsEvents() throws Exception {
        // Lesson 28's line in close(): the channel leaves the loop before the socket closes.
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient clientA = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient clientB = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient clientC = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection a = new Connection(loop, Await.value("A", listener::accept), 1, MAX_FRAME);
            Connection b = new Connection(loop, Await.value("B", listener::accept), 2, MAX_FRAME);
            Connection c = new Connection(loop, Await.value("C", listener::accept), 3, MAX_FRAME);
            List<Connection> served = new CopyOnWriteArrayList<>();
            AtomicInteger ownerTold = new AtomicInteger(); // only an error or an end of stream would tell it here
            for (Connection connection : List.of(a, b)) {
                Connection other = connection == a ? b : a;
                connection.setMessageCallback((self, message) -> {
                    served.add(self);
                    other.close(); // whichever runs first closes the other, as a business callback may
                });
                connection.setCloseCallback(ended -> {
                    ownerTold.incrementAndGet();
                    ended.close();
                });
                connection.start();
            }
            AtomicBoolean laterRound = new AtomicBoolean();
            c.setMessageCallback((self, message) -> laterRound.set(true));
            c.start();

            // Both are readable before the loop first selects, so one select reports both.
            clientA.sendFrame(new byte[] {1});
            clientB.sendFrame(new byte[] {2});
            try (LoopThread running = new LoopThread(loop)) {
                Await.until("A or B to be served", () -> !served.isEmpty());
                clientC.sendFrame(new byte[] {3}); // a later round: by then the first one is over
                Await.until("C to be served", laterRound::get);
            }

            assertThat(served).as("the other was closed before its turn").hasSize(1);
            assertThat(ownerTold).as("and its selected event reached none of its callbacks").hasValue(0);
            a.close();
            b.close();
            c.close();
        }
    }

    @Test
    void stopsReadingAtEndOfStreamAndClosesOnceTheQueuedReplyIsOut() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket accepted = withSmallSendBuffer(Await.value("a connection", listener::accept))) {
            Connection connection = new Connection(loop, accepted, 1, BIG_FRAME);
            connection.setMessageCallback(Connection::send);
            connection.start(); // callbacks first, then events
            SelectionKey key = registration(loop, accepted, listener);

            try (LoopThread running = new LoopThread(loop)) {
                byte[] payload = Payloads.random(BIG_FRAME, 21);
                client.sendFrame(payload);
                client.shutdownOutput(); // half-close: that was the last request, but we still read
                // End of stream stays readable; with the reply still waiting, only writing is left.
                Await.until("reading stopped, the reply still waiting", () -> key.interestOps() == SelectionKey.OP_WRITE);

                assertThat(client.receiveFrame()).isEqualTo(payload);
                assertThat(client.awaitEof()).as("closed once the reply was out").isTrue();
            }
        }
    }

    /** A small kernel send buffer: a reply of a few MiB cannot go out before the client reads. */
    private static Socket withSmallSendBuffer(Socket accepted) throws IOException {
        ((NetworkChannel) accepted.channel()).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        return accepted;
    }

    /**
     * Where the loop registered {@code socket}: its key in the loop's selector, which the test
     * reaches through a channel of its own (on the listener) in the same loop.
     */
    private static SelectionKey registration(EventLoop loop, Socket socket, Socket listener) throws IOException {
        Channel ours = new Channel(loop, listener);
        ours.enableReading();
        return socket.channel().keyFor(ours.key().selector());
    }
}
