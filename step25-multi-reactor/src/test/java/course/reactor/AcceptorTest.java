package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AcceptorTest {
    @Test
    void aCallbackThatThrowsCostsOnlyTheClientItWasHanded() throws Exception {
        EventLoop loop = new EventLoop();
        Queue<Socket> handedOver = new ConcurrentLinkedQueue<>();
        AtomicBoolean first = new AtomicBoolean(true);
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT)) {
            acceptor.setNewConnectionCallback(socket -> {
                if (first.getAndSet(false)) {
                    throw new IllegalStateException("a bug in a callback (expected by the test)");
                }
                handedOver.add(socket);
            });
            try (LoopThread running = new LoopThread(loop);
                 TestClient refused = TestClient.connect("127.0.0.1", acceptor.address().port())) {
                assertThat(refused.awaitEof()).as("the client the callback failed on is closed").isTrue();
                try (TestClient served = TestClient.connect("127.0.0.1", acceptor.address().port())) {
                    Await.until("the next client to be handed over", () -> handedOver.size() == 1);
                    assertThat(handedOver.peek().address().port()).isEqualTo(served.localPort());
                    assertThat(running.isRunning()).as("the loop survived").isTrue();
                }
            }
        } finally {
            handedOver.forEach(Socket::close);
        }
    }

    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void handsEachAcceptedSocketToItsCallbackExactlyOnce() throws Exception {
        EventLoop loop = new EventLoop();
        Queue<Socket> handedOver = new ConcurrentLinkedQueue<>();
        List<TestClient> clients = new ArrayList<>();
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT)) {
            assertThat(acceptor.address().ip()).isEqualTo("127.0.0.1");
            assertThat(acceptor.address().port()).isPositive();
            acceptor.setNewConnectionCallback(handedOver::add);
            for (int i = 0; i < 10; i++) { // these wait in the backlog before the loop runs
                clients.add(TestClient.connect("127.0.0.1", acceptor.address().port()));
            }
            try (LoopThread running = new LoopThread(loop)) {
                for (int i = 0; i < 10; i++) { // and these arrive while it runs
                    clients.add(TestClient.connect("127.0.0.1", acceptor.address().port()));
                }
                Await.until("20 sockets handed over", () -> handedOver.size() >= 20);
            }

            assertThat(handedOver).hasSize(20);
            assertThat(handedOver).extracting(socket -> socket.address().port())
                    .containsExactlyInAnyOrderElementsOf(clients.stream().map(TestClient::localPort).toList());
        } finally {
            handedOver.forEach(Socket::close);
            for (TestClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void handsOverEveryWaitingClientOnOneEvent() throws Exception {
        EventLoop loop = new EventLoop();
        Queue<Socket> handedOver = new ConcurrentLinkedQueue<>();
        List<TestClient> clients = new ArrayList<>();
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT)) {
            acceptor.setNewConnectionCallback(socket -> {
                handedOver.add(socket);
                loop.stop(); // run() returns after this event: a second one could take the rest
            });
            for (int i = 0; i < 3; i++) { // all three wait in the backlog before the loop runs
                clients.add(TestClient.connect("127.0.0.1", acceptor.address().port()));
            }
            try (LoopThread running = new LoopThread(loop)) {
                assertThat(running.awaitEnd(10_000)).as("run() returned after one event").isTrue();
            }
            assertThat(handedOver).hasSize(3);
        } finally {
            handedOver.forEach(Socket::close);
            for (TestClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void closesAnAcceptedSocketWhenNobodyAskedForIt() throws Exception {
        EventLoop loop = new EventLoop();
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT);
             LoopThread running = new LoopThread(loop);
             TestClient client = TestClient.connect("127.0.0.1", acceptor.address().port())) {
            assertThat(client.awaitEof()).isTrue();
        }
    }

    @Test
    void closingFreesThePortOnceTheLoopHasLetGoOfTheChannel() throws Exception {
        EventLoop firstLoop = new EventLoop();
        Acceptor first = new Acceptor(firstLoop, ANY_FREE_PORT);
        int port = first.address().port();
        first.close();
        // The JDK closes a registered channel's descriptor only when its selector deregisters
        // the key: at the selector's next select, or when the selector itself closes.
        firstLoop.close();

        try (EventLoop loop = new EventLoop();
             Acceptor second = new Acceptor(loop, new InetAddress("127.0.0.1", port))) {
            assertThat(second.address().port()).isEqualTo(port);
        }
    }
}
