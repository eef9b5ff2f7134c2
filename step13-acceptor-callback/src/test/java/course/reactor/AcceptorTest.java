package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.TestClient;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AcceptorTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void listensOnAFreePortAndServesWhoeverConnects() throws Exception {
        EventLoop loop = new EventLoop();
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT)) {
            assertThat(acceptor.address().ip()).isEqualTo("127.0.0.1");
            assertThat(acceptor.address().port()).isPositive();

            try (LoopThread running = new LoopThread(loop);
                 TestClient client = TestClient.connect("127.0.0.1", acceptor.address().port())) {
                byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                assertThat(client.echo(hello)).isEqualTo(hello);
            }
        }
    }

    @Test
    void makesAConnectionForEveryWaitingClientOnOneEvent() throws Exception {
        EventLoop loop = new EventLoop();
        List<TestClient> clients = new ArrayList<>();
        try (Acceptor acceptor = new Acceptor(loop, ANY_FREE_PORT); Socket other = Socket.listen(ANY_FREE_PORT)) {
            for (int i = 0; i < 3; i++) { // all three wait in the backlog before any event
                clients.add(TestClient.connect("127.0.0.1", acceptor.address().port()));
            }
            // The Acceptor keeps its Channel to itself; a channel of ours in the same loop leads
            // to the loop's selector, and so to the Acceptor's registration.
            Channel ours = new Channel(loop, other);
            ours.enableReading();
            Set<SelectionKey> registered = ours.key().selector().keys();
            SelectionKey acceptorKey = registered.stream().filter(key -> key != ours.key()).findFirst().orElseThrow();
            Channel listening = (Channel) acceptorKey.attachment();

            listening.setReadyOps(SelectionKey.OP_ACCEPT);
            listening.handleEvent(); // one event, by hand
            assertThat(registered).as("the two listeners and a connection for each client").hasSize(5);

            try (LoopThread running = new LoopThread(loop)) {
                for (int i = 0; i < clients.size(); i++) {
                    byte[] message = ("client " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(clients.get(i).echo(message)).isEqualTo(message);
                }
            }
        } finally {
            for (TestClient client : clients) {
                client.close();
            }
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
