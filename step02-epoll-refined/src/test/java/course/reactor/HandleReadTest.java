package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
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
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel served = listener.accept()) {
            served.configureBlocking(false);
            byte[] sent = Payloads.random(3 * 1024, 2);
            client.write(ByteBuffer.wrap(sent));
            Await.until("the 3 KiB to reach the server's socket", () -> unread(served) == sent.length);

            Main.handleRead(served, ByteBuffer.allocate(1024));

            assertThat(unread(served)).isEqualTo(2 * 1024); // one read; the rest is for the next select
            assertThat(readExactly(client, 1024)).isEqualTo(Arrays.copyOf(sent, 1024));
        }
    }

    /** Bytes that have arrived in the socket and nobody has read yet (FIONREAD). */
    private static int unread(SocketChannel channel) throws IOException {
        return channel.socket().getInputStream().available();
    }

    private static byte[] readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(length);
        while (into.hasRemaining()) {
            if (channel.read(into) == -1) {
                break;
            }
        }
        return Arrays.copyOf(into.array(), into.position());
    }
}
