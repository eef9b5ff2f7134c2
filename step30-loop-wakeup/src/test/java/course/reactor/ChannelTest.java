package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChannelTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void aListeningChannelAsksForConnectionsAndAConnectedOneForData() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Channel listenChannel = new Channel(loop, listener);
            assertThat(listenChannel.key()).as("not watched before enableReading").isNull();

            listenChannel.enableReading();
            assertThat(listenChannel.interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);
            assertThat(listenChannel.key().interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);

            Socket connection = Await.value("a connection to accept", listener::accept);
            Channel connectionChannel = new Channel(loop, connection);
            connectionChannel.enableReading();
            assertThat(connectionChannel.interestOps()).isEqualTo(SelectionKey.OP_READ);
            connection.close();
        }
    }

    @Test
    void updatingAWatchedChannelChangesItsRegistrationInsteadOfAddingOne() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel channel = new Channel(loop, listener);
            channel.enableReading();
            SelectionKey first = channel.key();
            first.interestOps(0); // only a test does this: now the registration says something else

            channel.enableReading(); // epoll_ctl(MOD): the same registration, told the interest again

            assertThat(channel.key()).isSameAs(first);
            assertThat(first.interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);
        }
    }

    @Test
    void asksForWriteEventsOnlyWhileWritingIsEnabled() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Channel channel = new Channel(loop, Await.value("a connection to accept", listener::accept));
            AtomicInteger writable = new AtomicInteger();
            AtomicBoolean readable = new AtomicBoolean();
            channel.setWriteCallback(() -> {
                writable.incrementAndGet();
                disableWriting(channel); // nothing more to send
            });
            channel.setReadCallback(() -> {
                read(channel);
                readable.set(true);
            });
            channel.enableReading();
            channel.enableWriting();

            try (LoopThread running = new LoopThread(loop)) {
                Await.until("a write event", () -> writable.get() >= 1);
                // A socket is always writable: had the interest stayed, every select since would
                // have reported it again, up to and including the one that reports this byte.
                client.send(new byte[] {1});
                Await.until("a read event", readable::get);
            }
            assertThat(writable).as("write events after writing was disabled").hasValue(1);
            channel.socket().close();
        }
    }

    private static void read(Channel channel) {
        try {
            channel.socket().read(ByteBuffer.allocate(16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void disableWriting(Channel channel) {
        try {
            channel.disableWriting();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
