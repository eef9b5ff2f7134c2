package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Frames;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
