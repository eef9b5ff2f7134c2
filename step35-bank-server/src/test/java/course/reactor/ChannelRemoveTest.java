package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A channel that has left its loop gets no more events, even ones already selected. */
class ChannelRemoveTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void noCallbackRunsForAChannelRemovedEarlierInTheSameRound() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient clientA = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient clientB = TestClient.connect("127.0.0.1", listener.address().port());
             TestClient clientC = TestClient.connect("127.0.0.1", listener.address().port())) {
            Channel a = new Channel(loop, Await.value("A", listener::accept));
            Channel b = new Channel(loop, Await.value("B", listener::accept));
            Channel c = new Channel(loop, Await.value("C", listener::accept));
            List<Channel> called = new CopyOnWriteArrayList<>();
            // Whichever of A and B runs first closes the other, as a business callback or a
            // worker closing another connection would.
            a.setReadCallback(() -> closeOther(called, a, b));
            b.setReadCallback(() -> closeOther(called, b, a));
            AtomicBoolean roundOver = new AtomicBoolean();
            c.setReadCallback(() -> roundOver.set(true));
            a.enableReading();
            b.enableReading();
            c.enableReading();

            // Both are readable before the loop first selects, so one select reports both.
            clientA.send(new byte[] {1});
            clientB.send(new byte[] {2});
            try (LoopThread running = new LoopThread(loop)) {
                Await.until("one of A and B to be called", () -> !called.isEmpty());
                clientC.send(new byte[] {3}); // a later round: by then the first one is over
                Await.until("C to be called", roundOver::get);
            }

            assertThat(called).as("the removed channel got no callback").hasSize(1);
            a.socket().close();
            b.socket().close();
            c.socket().close();
        }
    }

    private static void closeOther(List<Channel> called, Channel self, Channel other) {
        called.add(self);
        other.remove();
        other.socket().close();
        self.remove(); // done with this one too, or its unread byte would keep it readable
    }
}
