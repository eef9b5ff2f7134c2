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
import java.util.List;
import org.junit.jupiter.api.Test;

/** One readable event, one read: what is left in the socket waits for the next round. */
class HandleReadTest {
    /** With its header, one frame is 1 KiB: the loop's 64 KiB read buffer holds 64 of them. */
    private static final int BODY = 1024 - Frames.HEADER_BYTES;

    @Test
    void takesWhatTheKernelHasUpToTheLoopsReadBufferPerEvent() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0))) {
            // Room for all 100 KiB in the server's socket, so the read has more than it can take.
            ((ServerSocketChannel) listener.channel()).setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            try (TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
                 Socket served = Await.value("a connection to accept", listener::accept)) {
                Connection connection = new Connection(loop, served, 1, 1 << 20);
                List<byte[]> messages = new ArrayList<>();
                connection.setMessageCallback((from, message) -> messages.add(message));
                connection.start();
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                for (int i = 0; i < 100; i++) {
                    stream.write(Frames.encode(Payloads.random(BODY, i)));
                }
                client.send(stream.toByteArray());
                Await.until("the 100 KiB to reach the server's socket", () -> unread(served) == stream.size());

                connection.handleRead(); // what the loop does for one readable event

                assertThat(unread(served)).isEqualTo(stream.size() - EventLoop.READ_BUFFER_BYTES);
                assertThat(messages).hasSize(64);
                assertThat(messages.get(63)).isEqualTo(Payloads.random(BODY, 63));
            }
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
