package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
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

            channel.enableReading();

            assertThat(channel.key()).isSameAs(first);
        }
    }

    @Test
    void asksForWriteEventsOnlyWhileWritingIsEnabled() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Channel channel = new Channel(loop, Await.value("a connection to accept", listener::accept));
            AtomicInteger writable = new AtomicInteger();
            channel.setWriteCallback(() -> {
                writable.incrementAndGet();
                disableWriting(channel); // nothing more to send
            });
            channel.enableReading();
            channel.enableWriting();
            assertThat(channel.isWriting()).isTrue();
            assertThat(channel.interestOps()).isEqualTo(SelectionKey.OP_READ | SelectionKey.OP_WRITE);

            try (LoopThread running = new LoopThread(loop)) {
                Await.until("a write event", () -> writable.get() >= 1);
            }
            assertThat(writable).hasValue(1);
            assertThat(channel.isWriting()).isFalse();
            assertThat(channel.interestOps()).isEqualTo(SelectionKey.OP_READ);
            channel.socket().close();
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
