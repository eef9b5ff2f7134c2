package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
            try (LoopThread running = new LoopThread(loop)) {
                client.sendFrame(new byte[] {1});
                assertThat(client.awaitEof()).as("the connection is closed").isTrue();
                Await.until("its owner to be told, so that it forgets it", () -> ownerTold.get() == 1);
                assertThat(running.isRunning()).isTrue();
            }
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
    void deliversWholeMessagesHoweverTheBytesArrive() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, MAX_FRAME);
            List<byte[]> messages = new CopyOnWriteArrayList<>();
            connection.setMessageCallback((from, message) -> messages.add(message));

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
