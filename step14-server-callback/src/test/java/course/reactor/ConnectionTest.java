package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void servesItsSocketInTheLoopUntilThePeerFinishes() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket accepted = Await.value("a connection to accept", listener::accept);
            Connection connection = new Connection(loop, accepted);
            assertThat(connection.peerAddress()).hasToString("127.0.0.1:" + client.localPort());

            try (LoopThread running = new LoopThread(loop)) {
                byte[] payload = Payloads.random(100_000, 12);
                assertThat(client.echo(payload)).isEqualTo(payload);

                client.shutdownOutput();
                assertThat(client.awaitEof()).as("the connection closed its socket after EOF").isTrue();
            }
            assertThat(accepted.channel().isOpen()).isFalse();
        }
    }

}
