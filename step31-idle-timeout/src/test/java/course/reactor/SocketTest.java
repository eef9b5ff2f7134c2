package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void listensNonBlockingOnAFreePortWithReuseAddress() throws Exception {
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            assertThat(listener.address().ip()).isEqualTo("127.0.0.1");
            assertThat(listener.address().port()).isPositive();
            assertThat(listener.channel().isBlocking()).isFalse();
            // On Linux the JDK turns SO_REUSEADDR on for every listener, so this holds without our
            // setOption as well: it shows the state, and cannot pin the line.
            assertThat(((NetworkChannel) listener.channel()).getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
        }
    }

    @Test
    void queuesAHundredClientsBeforeTheFirstAccept() throws Exception {
        // With Java's default backlog of 50 the kernel would drop the 52nd client's handshake,
        // and that connect would time out: nobody accepts, so every retry finds the queue full.
        List<TestClient> clients = new ArrayList<>();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            for (int i = 0; i < 100; i++) {
                clients.add(TestClient.connect("127.0.0.1", listener.address().port()));
            }
            for (int i = 0; i < 100; i++) {
                Await.value("a waiting client", listener::accept).close();
            }
        } finally {
            for (TestClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void acceptReturnsNullWhenNobodyIsWaiting() throws Exception {
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            assertThat(listener.accept()).isNull();
        }
    }

    @Test
    void acceptsAWaitingClientAsAConfiguredConnectedSocket() throws Exception {
        try (Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Socket connection = Await.value("a connection to accept", listener::accept);
            try (connection) {
                assertThat(connection.address()).hasToString("127.0.0.1:" + client.localPort());
                assertThat(connection.channel().isBlocking()).isFalse();
                assertThat(((NetworkChannel) connection.channel()).getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();

                client.send("ping".getBytes(StandardCharsets.UTF_8));
                ByteBuffer received = ByteBuffer.allocate(4);
                Await.until("4 bytes to arrive", () -> connection.read(received) >= 0 && !received.hasRemaining());
                assertThat(new String(received.array(), StandardCharsets.UTF_8)).isEqualTo("ping");
            }
        }
    }

    @Test
    void readReturnsZeroWhenNothingIsWaitingAndMinusOneAfterThePeerCloses() throws Exception {
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
            try (Socket connection = Await.value("a connection to accept", listener::accept)) {
                assertThat(connection.read(ByteBuffer.allocate(16))).isZero();
                client.close();
                Await.until("end of stream", () -> connection.read(ByteBuffer.allocate(16)) == -1);
            }
        }
    }

    @Test
    void closeReleasesThePortForANewListener() throws Exception {
        Socket first = Socket.listen(ANY_FREE_PORT);
        int port = first.address().port();
        first.close();

        assertThat(first.channel().isOpen()).isFalse();
        try (Socket second = Socket.listen(new InetAddress("127.0.0.1", port))) {
            assertThat(second.address().port()).isEqualTo(port);
        }
    }


}
