package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EpollTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void reportsNothingWhileNothingIsReady() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            epoll.addSocket(listener, SelectionKey.OP_ACCEPT);
            assertThat(epoll.loop(20)).isEmpty();
        }
    }

    @Test
    void reportsTheListenerAcceptableWhenAClientConnects() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            epoll.addSocket(listener, SelectionKey.OP_ACCEPT);

            SelectionKey key = awaitReady(epoll);

            assertThat(key.attachment()).isSameAs(listener);
            assertThat(key.isAcceptable()).isTrue();
        }
    }

    @Test
    void reportsAConnectionReadableWhenDataArrivesAndForgetsItOnceClosed() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            epoll.addSocket(listener, SelectionKey.OP_ACCEPT);
            awaitReady(epoll);
            Socket connection = listener.accept();
            epoll.addSocket(connection, SelectionKey.OP_READ);

            client.send(new byte[] {1, 2, 3});
            SelectionKey key = awaitReady(epoll);
            assertThat(key.attachment()).isSameAs(connection);
            assertThat(key.isReadable()).isTrue();

            connection.close();
            assertThat(epoll.loop(20)).as("a closed socket is no longer reported").isEmpty();
        }
    }

    @Test
    void reusesOneListForEveryLoop() throws Exception {
        try (Epoll epoll = new Epoll()) {
            assertThat(epoll.loop(1)).isSameAs(epoll.loop(1));
        }
    }

    /** Loops until exactly one key is ready and returns it. */
    private static SelectionKey awaitReady(Epoll epoll) {
        AtomicReference<List<SelectionKey>> ready = new AtomicReference<>();
        Await.until("a ready socket", () -> {
            ready.set(new ArrayList<>(epoll.loop(10)));
            return !ready.get().isEmpty();
        });
        assertThat(ready.get()).hasSize(1);
        return ready.get().get(0);
    }
}
