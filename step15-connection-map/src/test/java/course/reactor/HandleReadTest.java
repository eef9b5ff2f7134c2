package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One readable event, one read: what is left in the socket waits for the next round. */
class HandleReadTest {
    @Test
    void takesOneBufferfulPerEventAndLeavesTheRestInTheSocket() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket served = Await.value("a connection to accept", listener::accept)) {
            Channel channel = new Channel(loop, served);
            channel.setReadCallback(channel::handleRead);
            byte[] sent = Payloads.random(3 * 1024, 2);
            client.send(sent);
            Await.until("the 3 KiB to reach the server's socket", () -> unread(served) == sent.length);

            channel.setReadyOps(SelectionKey.OP_READ); // what the loop would have found
            channel.handleEvent();

            assertThat(unread(served)).isEqualTo(2 * 1024); // one read; the rest is for the next loop
            assertThat(client.receive(1024)).isEqualTo(Arrays.copyOf(sent, 1024));
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(Socket socket) throws IOException {
        return ((SocketChannel) socket.channel()).socket().getInputStream().available();
    }
}
