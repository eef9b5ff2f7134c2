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
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A message is a view of the input buffer: echoed from where it lies, copied only when kept. */
class MessageViewTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void aViewThrowsOnceItsCallbackHasReturnedOrFromAnotherThreadAndACopyDoesNot() throws Exception {
        try (EventLoop loop = new EventLoop()) { // this thread is its thread until it runs
            byte[] bytes = {1, 2, 3};
            Buffer buffer = new Buffer();
            buffer.append(Frames.encode(bytes), 0, Frames.HEADER_BYTES + bytes.length);
            Message view = buffer.view(Frames.HEADER_BYTES, bytes.length, loop);
            assertThat(view.isView()).isTrue();
            assertThat(view.toByteArray()).containsExactly(1, 2, 3);
            Message copy = view.copy();

            AtomicReference<Throwable> fromWorker = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    view.get(0);
                } catch (Throwable e) {
                    fromWorker.set(e);
                }
            });
            worker.start();
            worker.join();
            assertThat(fromWorker.get()).isInstanceOf(IllegalStateException.class);

            view.invalidate(); // what the connection does when the callback returns
            buffer.retrieveAll();
            assertThatThrownBy(view::toByteArray).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("copy()");
            assertThat(copy.isView()).isFalse();
            assertThat(copy.toByteArray()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void everySplitOfAStreamAcrossTwoReadsDeliversAndEchoesTheSameBytesWithoutACopy() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> bodies = List.of(new byte[0], new byte[] {42}, Payloads.random(37, 1), Payloads.random(3, 2));
        for (byte[] body : bodies) {
            stream.write(Frames.encode(body));
        }
        byte[] bytes = stream.toByteArray();
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            List<byte[]> received = new ArrayList<>();
            connection.setMessageCallback((self, message) -> {
                received.add(message.toByteArray());
                self.send(message); // the view itself
            });
            connection.start();
            for (int split = 1; split < bytes.length; split++) {
                received.clear();
                readInTwo(client, served, connection, bytes, split); // a real read boundary at every offset

                assertThat(received).as("split at %d", split).usingElementComparator(Arrays::compare).isEqualTo(bodies);
                assertThat(client.receive(bytes.length)).as("echo, split at %d", split).isEqualTo(bytes);
            }
            assertThat(connection.peakHeldBytes()).as("no echo ever waited in the output buffer: none was copied").isZero();
        }
    }

    @Test
    void aCopyTakenForLaterStaysTheSameAfterTheNextReadReusesTheBuffer() throws Exception {
        byte[] first = Payloads.random(500, 3);
        byte[] second = Payloads.random(500, 4);
        List<Message> views = new ArrayList<>();
        AtomicReference<Throwable> staleUse = new AtomicReference<>();
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            List<Message> kept = new ArrayList<>(); // what a worker would hold
            connection.setMessageCallback((self, message) -> {
                if (kept.isEmpty()) {
                    kept.add(message.copy());
                    views.add(message);
                    return;
                }
                try {
                    views.get(0).get(0); // the first view, in the next round: its bytes are gone
                } catch (IllegalStateException e) {
                    staleUse.set(e);
                }
                self.send(kept.get(0)); // the late reply to the first message
                self.send(message);
            });
            connection.start();
            client.send(Frames.encode(first));
            Await.until("the first message in the server's socket", () -> unread(served) == Frames.HEADER_BYTES + first.length);
            connection.handleRead();
            client.send(Frames.encode(second));
            Await.until("the second message in the server's socket", () -> unread(served) == Frames.HEADER_BYTES + second.length);
            connection.handleRead(); // the same pooled memory, the second message where the first was

            assertThat(staleUse.get()).as("a view kept past its callback throws").isInstanceOf(IllegalStateException.class);
            assertThat(client.receiveFrame()).isEqualTo(first);
            assertThat(client.receiveFrame()).isEqualTo(second);
        }
    }

    @Test
    void aMessageBiggerThanAnyReadIsEchoedByteForByteBetweenSmallOnes() throws Exception {
        byte[] big = Payloads.random(3 << 20, 5); // twelve reads at least
        List<byte[]> bodies = List.of(Payloads.random(10, 6), big, Payloads.random(10, 7));
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, 4 << 20);
            connection.setMessageCallback(Connection::send);
            connection.start();
            try (LoopThread running = new LoopThread(loop)) {
                Thread writer = sendAll(client, bodies);
                for (byte[] body : bodies) {
                    assertThat(client.receiveFrame()).isEqualTo(body);
                }
                writer.join();
            }
        }
    }

    @Test
    void whatTheKernelRefusesWaitsInOrderAheadOfTheMessagesThatFollow() throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            bodies.add(Payloads.random(64 * 1024, 100 + i)); // 16 MiB: more than the kernel's buffers hold
        }
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, Await.value("a connection", listener::accept), 1, 1 << 20);
            connection.setMessageCallback(Connection::send);
            connection.start();
            try (LoopThread running = new LoopThread(loop)) {
                Thread writer = sendAll(client, bodies); // and read nothing yet
                writer.join(30_000); // the server read it all, its replies queued behind a full socket
                assertThat(writer.isAlive()).isFalse();
                assertThat(connection.peakHeldBytes()).as("some echo was refused in part and queued").isPositive();

                for (byte[] body : bodies) {
                    assertThat(client.receiveFrame()).isEqualTo(body);
                }
            }
        }
    }

    @Test
    void messagesSentBackFromTheMiddleOfARoundComeBackAloneUncopiedAndAheadOfAReplyThatFollows() throws Exception {
        List<byte[]> first = List.of(Payloads.random(20, 10), Payloads.random(30, 11), Payloads.random(40, 12),
                Payloads.random(50, 13));
        List<byte[]> second = List.of(Payloads.random(20, 14), Payloads.random(30, 15), Payloads.random(40, 16));
        byte[] reply = {42};
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            AtomicInteger seen = new AtomicInteger();
            connection.setMessageCallback((self, message) -> {
                int index = seen.getAndIncrement();
                if (index == 1 || index == 2 || index == 5) { // ranges that start after a message not sent back
                    self.send(message);
                } else if (index == 6) {
                    self.send(reply); // a byte[] reply: the range before it is copied out first
                }
            });
            connection.start();

            readOneRound(client, served, connection, first);
            assertThat(client.receiveFrame()).isEqualTo(first.get(1));
            assertThat(client.receiveFrame()).isEqualTo(first.get(2));
            assertThat(connection.peakHeldBytes()).as("written from the input buffer, none copied").isZero();

            readOneRound(client, served, connection, second);
            assertThat(client.receiveFrame()).as("nothing between the rounds' messages").isEqualTo(second.get(1));
            assertThat(client.receiveFrame()).isEqualTo(reply);
        }
    }

    @Test
    void whatIsSentAfterAnEchoTheKernelTakesOnlyPartOfComesAfterAllOfIt() throws Exception {
        byte[] first = Payloads.random(4 << 20, 15); // far more than the kernel takes for a client that reads nothing
        byte[] second = Payloads.random(4 << 20, 16);
        byte[] reply = {42};
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, withSmallSendBuffer(Await.value("a connection", listener::accept)),
                    1, 8 << 20);
            AtomicInteger seen = new AtomicInteger();
            connection.setMessageCallback((self, message) -> {
                self.send(message); // noted, to be written from the input buffer when the round ends
                if (seen.getAndIncrement() == 0) {
                    self.send(message); // not the next frame: copied, and must stay behind the first
                } else {
                    self.send(reply); // a byte[] reply: copied too, behind the echo
                }
            });
            connection.start();
            try (LoopThread running = new LoopThread(loop)) {
                sendAll(client, List.of(first)).join(30_000); // the server reads it all before it writes
                assertThat(client.receiveFrame()).isEqualTo(first);
                assertThat(client.receiveFrame()).isEqualTo(first);

                sendAll(client, List.of(second)).join(30_000);
                assertThat(client.receiveFrame()).isEqualTo(second);
                assertThat(client.receiveFrame()).isEqualTo(reply);
            }
            assertThat(connection.peakHeldBytes()).as("the kernel refused part of the echo: more than a frame waited")
                    .isGreaterThan(Frames.HEADER_BYTES + first.length);
        }
    }

    @Test
    void anEchoTheKernelTakesOnlyPartOfReachesTheHighWaterMarkInItsOwnRound() throws Exception {
        byte[] body = Payloads.random(4 << 20, 17);
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Connection connection = new Connection(loop, withSmallSendBuffer(Await.value("a connection", listener::accept)),
                    1, 8 << 20);
            connection.setMessageCallback(Connection::send);
            AtomicInteger marks = new AtomicInteger();
            connection.setHighWaterMarkCallback(self -> marks.incrementAndGet(), 1 << 20);
            connection.start();
            try (LoopThread running = new LoopThread(loop)) {
                Thread writer = sendAll(client, List.of(body)); // one message, then nothing: no later round to notice
                Await.until("the high-water mark, the client reading nothing", () -> marks.get() == 1);

                assertThat(client.receiveFrame()).isEqualTo(body);
                writer.join(10_000);
            }
        }
    }

    /** Sends the frames in one write and has the connection read them in one round. */
    private static void readOneRound(TestClient client, Socket served, Connection connection, List<byte[]> bodies)
            throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (byte[] body : bodies) {
            stream.write(Frames.encode(body));
        }
        client.send(stream.toByteArray());
        Await.until("the messages in the server's socket", () -> unread(served) == stream.size());
        connection.handleRead();
    }

    /** Sends the stream's first {@code split} bytes and has the connection read them, then the rest. */
    private static void readInTwo(TestClient client, Socket served, Connection connection, byte[] bytes, int split)
            throws Exception {
        client.send(Arrays.copyOf(bytes, split));
        Await.until("the first part in the server's socket", () -> unread(served) == split);
        connection.handleRead();
        assertThat(unread(served)).isZero();
        client.send(Arrays.copyOfRange(bytes, split, bytes.length));
        Await.until("the rest in the server's socket", () -> unread(served) == bytes.length - split);
        connection.handleRead();
    }

    /** Sends the frames from another thread, as a client that does not read meanwhile. */
    private static Thread sendAll(TestClient client, List<byte[]> bodies) {
        Thread writer = new Thread(() -> {
            try {
                for (byte[] body : bodies) {
                    client.sendFrame(body);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e); // the receiving side then misses frames and fails
            }
        });
        writer.start();
        return writer;
    }

    /** A small kernel send buffer: a reply of a few MiB cannot go out before the client reads. */
    private static Socket withSmallSendBuffer(Socket accepted) throws IOException {
        ((NetworkChannel) accepted.channel()).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        return accepted;
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
