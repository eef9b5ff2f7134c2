package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.TestClient;
import java.nio.charset.StandardCharsets;
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
