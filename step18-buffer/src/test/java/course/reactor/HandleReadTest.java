package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One readable event, one read: what is left in the socket waits for the next round. */
class HandleReadTest {
    @Test
    void takesWhatTheKernelHasUpToTheLoopsReadBufferPerEvent() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0))) {
            // Room for all 100 KiB in the server's socket, so the read has more than it can take.
            ((ServerSocketChannel) listener.channel()).setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            try (TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
                 Socket served = Await.value("a connection to accept", listener::accept)) {
                Connection connection = new Connection(loop, served, 1);
                byte[] sent = Payloads.random(100 * 1024, 2);
                client.send(sent);
                Await.until("the 100 KiB to reach the server's socket", () -> unread(served) == sent.length);

                connection.handleRead(); // what the loop does for one readable event

                assertThat(unread(served)).isEqualTo(sent.length - EventLoop.READ_BUFFER_BYTES);
                assertThat(client.receive(EventLoop.READ_BUFFER_BYTES))
                        .isEqualTo(Arrays.copyOf(sent, EventLoop.READ_BUFFER_BYTES));
            }
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
