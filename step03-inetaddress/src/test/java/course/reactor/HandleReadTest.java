package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One readable event, one read: what is left in the socket waits for the next round. */
class HandleReadTest {
    @Test
    void takesOneBufferfulPerEventAndLeavesTheRestInTheSocket() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.socket().getLocalPort());
             SocketChannel served = listener.accept()) {
            served.configureBlocking(false);
            byte[] sent = Payloads.random(3 * 1024, 2);
            client.send(sent);
            Await.until("the 3 KiB to reach the server's socket", () -> unread(served) == sent.length);

            Main.handleRead(served, ByteBuffer.allocate(1024));

            assertThat(unread(served)).isEqualTo(2 * 1024); // one read; the rest is for the next select
            assertThat(client.receive(1024)).isEqualTo(Arrays.copyOf(sent, 1024));
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (the FIONREAD ioctl). */
    private static int unread(SocketChannel channel) throws IOException {
        return channel.socket().getInputStream().available();
    }
}
