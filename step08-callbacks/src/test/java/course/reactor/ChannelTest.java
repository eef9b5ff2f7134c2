package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.nio.channels.SelectionKey;
import org.junit.jupiter.api.Test;

class ChannelTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void aListeningChannelAsksForConnectionsAndAConnectedOneForData() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT);
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
            Channel listenChannel = new Channel(epoll, listener);
            assertThat(listenChannel.key()).as("not watched before enableReading").isNull();

            listenChannel.enableReading();
            assertThat(listenChannel.interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);
            assertThat(listenChannel.key().interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);

            Socket connection = Await.value("a connection to accept", listener::accept);
            Channel connectionChannel = new Channel(epoll, connection);
            connectionChannel.enableReading();
            assertThat(connectionChannel.interestOps()).isEqualTo(SelectionKey.OP_READ);
            connection.close();
        }
    }

    @Test
    void updatingAWatchedChannelChangesItsRegistrationInsteadOfAddingOne() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel channel = new Channel(epoll, listener);
            channel.enableReading();
            SelectionKey first = channel.key();
            first.interestOps(0); // only a test does this: now the registration says something else

            channel.enableReading(); // epoll_ctl(MOD): the same registration, told the interest again

            assertThat(channel.key()).isSameAs(first);
            assertThat(first.interestOps()).isEqualTo(SelectionKey.OP_ACCEPT);
        }
    }

}
