package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One readable event, one read: what is left in the socket waits for the next round. */
class HandleReadTest {
    /** With its header, one frame is 1 KiB. */
    private static final int BODY = 1024 - Frames.HEADER_BYTES;
    private static final int FRAMES = 400;

    @Test
    void takesWhatTheKernelHasUpToOneBufferPerEvent() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0))) {
            // Room for all 400 KiB in the server's socket, so the read has more than it can take.
            ((ServerSocketChannel) listener.channel()).setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            try (TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
                 Socket served = Await.value("a connection to accept", listener::accept)) {
                Connection connection = new Connection(loop, served, 1, 1 << 20);
                List<byte[]> messages = new ArrayList<>();
                connection.setMessageCallback((from, message) -> messages.add(message.toByteArray()));
                connection.start();
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                for (int i = 0; i < FRAMES; i++) {
                    stream.write(Frames.encode(Payloads.random(BODY, i)));
                }
                client.send(stream.toByteArray());
                Await.until("the 400 KiB to reach the server's socket", () -> unread(served) == stream.size());

                connection.handleRead(); // what the loop does for one readable event

                int taken = stream.size() - unread(served);
                assertThat(taken).as("one read, of a fresh buffer's room").isBetween(Connection.READ_ROOM, Buffer.MAX_READ);
                assertThat(messages).hasSize(taken / 1024);
                assertThat(messages.get(messages.size() - 1)).isEqualTo(Payloads.random(BODY, messages.size() - 1));
            }
        }
    }

    @Test
    void theFirstBytesOfAMessageHoldABufferTheirSizeNotAReadsRoom() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            List<byte[]> messages = new ArrayList<>();
            connection.setMessageCallback((from, message) -> messages.add(message.toByteArray()));
            connection.start();
            byte[] frame = Frames.encode(Payloads.random(BODY, 1));
            client.send(Arrays.copyOf(frame, 10)); // a client that starts a message and stops
            Await.until("the 10 bytes in the server's socket", () -> unread(served) == 10);

            connection.handleRead();

            assertThat(connection.inputCapacity()).as("not the 256 KiB the read had room for").isEqualTo(BufferPool.MIN_SIZE);
            client.send(Arrays.copyOfRange(frame, 10, frame.length));
            Await.until("the rest in the server's socket", () -> unread(served) == frame.length - 10);
            connection.handleRead();
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0)).isEqualTo(Payloads.random(BODY, 1));
            assertThat(connection.inputCapacity()).as("an idle connection holds none").isZero();
        }
    }

    @Test
    void aLengthOutsideTheLimitEndsTheConnectionAfterTheMessagesBeforeItAndFreesItsBuffer() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1000);
            List<byte[]> messages = new ArrayList<>();
            AtomicInteger ended = new AtomicInteger();
            connection.setMessageCallback((from, message) -> messages.add(message.toByteArray()));
            connection.setCloseCallback(over -> {
                ended.incrementAndGet();
                over.close();
            });
            connection.start();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.write(Frames.encode(Payloads.random(10, 2)));
            stream.write(Frames.header(1001)); // one byte over the limit
            client.send(stream.toByteArray());
            Await.until("both in the server's socket", () -> unread(served) == stream.size());

            connection.handleRead();

            assertThat(messages).as("the message before the bad header").hasSize(1);
            assertThat(ended).as("its owner told once").hasValue(1);
            assertThat(connection.inputCapacity()).as("the read's buffer went back to the loop").isZero();
            assertThat(loop.bufferPool().pooledBytes()).isEqualTo(256 * 1024);
        }
    }

    @Test
    void aRoundWhoseEchoTheKernelTakesWholeTakesNoOutputMemoryAndOnlyItReportsAWriteComplete() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            connection.setMessageCallback((from, message) -> {
                if (message.length() > 0) { // an empty request gets no reply
                    from.send(message);
                }
            });
            AtomicInteger writesCompleted = new AtomicInteger();
            connection.setWriteCompleteCallback(done -> writesCompleted.incrementAndGet());
            connection.start();
            // A small buffer free in the loop's pool: the output buffer would take it, were it to take any.
            loop.bufferPool().give(ByteBuffer.allocateDirect(BufferPool.MIN_SIZE));

            client.sendFrame(new byte[0]);
            Await.until("the empty request in the server's socket", () -> unread(served) == Frames.HEADER_BYTES);
            connection.handleRead();
            assertThat(writesCompleted).as("a round that wrote nothing").hasValue(0);

            byte[] body = Payloads.random(100, 3);
            client.sendFrame(body);
            Await.until("the request in the server's socket", () -> unread(served) == Frames.HEADER_BYTES + body.length);
            connection.handleRead();

            assertThat(client.receiveFrame()).isEqualTo(body);
            assertThat(writesCompleted).hasValue(1);
            assertThat(loop.bufferPool().pooledBytes()).as("every buffer back in the pool: the read's and the small one")
                    .isEqualTo(256 * 1024 + BufferPool.MIN_SIZE);
        }
    }

    @Test
    void aConnectionEndedBetweenReadsGivesBackTheMemoryOfItsUnfinishedMessageAndOfItsUnsentReply() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            ((NetworkChannel) served.channel()).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            Connection connection = new Connection(loop, served, 1, 1 << 20);
            AtomicInteger ended = new AtomicInteger();
            connection.setCloseCallback(over -> {
                ended.incrementAndGet();
                over.close();
            });
            connection.start();
            client.send(Arrays.copyOf(Frames.encode(Payloads.random(BODY, 4)), 10)); // a message begun
            Await.until("the 10 bytes in the server's socket", () -> unread(served) == 10);
            connection.handleRead();
            connection.send(Payloads.random(1 << 20, 5)); // to a client that reads nothing: most of it waits
            long pooled = loop.bufferPool().pooledBytes(); // had it all gone out, its buffer would be in here already

            connection.forceClose(); // what the idle timer does

            assertThat(ended).hasValue(1);
            assertThat(connection.inputCapacity()).isZero();
            assertThat(loop.bufferPool().pooledBytes()).as("the message's 1 KiB and the reply's 2 MiB back in the pool")
                    .isEqualTo(pooled + BufferPool.MIN_SIZE + (2 << 20));
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
