package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A connected Channel tells its owner, once, that the peer has closed or failed. */
class ChannelCloseTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void callsTheCloseCallbackOnceWhenThePeerFinishes() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket accepted = Await.value("a connection to accept", listener::accept);
            AtomicInteger closes = new AtomicInteger();
            List<IOException> errors = new CopyOnWriteArrayList<>();
            Channel channel = connectedChannel(loop, accepted, () -> {
                closes.incrementAndGet();
                accepted.close();
            }, errors::add);

            try (LoopThread running = new LoopThread(loop)) {
                client.shutdownOutput();
                Await.until("the close callback", () -> closes.get() == 1);
                assertThat(client.awaitEof()).as("the owner closed the socket").isTrue();
            }
            assertThat(closes).hasValue(1);
            assertThat(errors).isEmpty();
            assertThat(channel.socket().channel().isOpen()).isFalse();
        }
    }

    @Test
    void passesTheErrorToTheErrorCallbackWhenThePeerResets() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
            Socket accepted = Await.value("a connection to accept", listener::accept);
            AtomicInteger closes = new AtomicInteger();
            List<IOException> errors = new CopyOnWriteArrayList<>();
            connectedChannel(loop, accepted, closes::incrementAndGet, e -> {
                errors.add(e);
                accepted.close();
            });

            try (LoopThread running = new LoopThread(loop)) {
                client.reset();
                Await.until("the error callback", () -> errors.size() == 1);
            }
            assertThat(errors.get(0)).hasMessageContaining("reset");
            assertThat(closes).hasValue(0);
        }
    }

    private static Channel connectedChannel(EventLoop loop, Socket socket, Runnable onClose,
                                            Consumer<IOException> onError) throws IOException {
        Channel channel = new Channel(loop, socket);
        channel.setReadCallback(channel::handleRead);
        channel.setCloseCallback(onClose);
        channel.setErrorCallback(onError);
        channel.enableReading();
        return channel;
    }

}
