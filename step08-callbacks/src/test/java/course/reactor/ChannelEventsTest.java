package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.Await;
import course.toolkit.TestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** handleEvent, driven by hand one loop at a time, over real sockets. */
class ChannelEventsTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void handleEventCallsTheReadCallbackOnlyWhenTheSocketIsReady() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(epoll, listener);
            AtomicInteger calls = new AtomicInteger();
            listenChannel.setReadCallback(calls::incrementAndGet);
            listenChannel.enableReading();

            listenChannel.setReadyOps(0);
            listenChannel.handleEvent();
            assertThat(calls).as("nothing ready, no call").hasValue(0);

            try (TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
                Await.until("the listener to be ready", () -> loop(epoll).contains(listenChannel));
                listenChannel.handleEvent();
                assertThat(calls).hasValue(1);
            }
        }
    }

    @Test
    void theListeningChannelAcceptsEveryWaitingClientAndEachConnectionEchoes() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(epoll, listener);
            listenChannel.setReadCallback(listenChannel::newConnection);
            listenChannel.enableReading();
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(TestClient.connect("127.0.0.1", listener.address().port()));
                }
                Await.until("the listener to be ready", () -> loop(epoll).contains(listenChannel));
                listenChannel.handleEvent(); // one event accepts all three

                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send(("client " + i).getBytes(StandardCharsets.UTF_8));
                }
                Set<Channel> connectionsServed = new HashSet<>();
                Await.until("all three connections to be ready", () -> {
                    for (Channel channel : loop(epoll)) {
                        channel.handleEvent();
                        connectionsServed.add(channel);
                    }
                    return connectionsServed.size() == 3;
                });

                for (int i = 0; i < clients.size(); i++) {
                    byte[] expected = ("client " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(clients.get(i).receive(expected.length)).isEqualTo(expected);
                }
                assertThat(connectionsServed).doesNotContain(listenChannel);
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aConnectionClosesItsSocketWhenThePeerHasClosed() throws Exception {
        try (Epoll epoll = new Epoll(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(epoll, listener);
            listenChannel.setReadCallback(listenChannel::newConnection);
            listenChannel.enableReading();
            TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
            Await.until("the listener to be ready", () -> loop(epoll).contains(listenChannel));
            listenChannel.handleEvent();

            client.close();
            List<Channel> closed = new ArrayList<>();
            Await.until("the connection to see end of stream", () -> {
                for (Channel channel : loop(epoll)) {
                    channel.handleEvent();
                    closed.add(channel);
                }
                return !closed.isEmpty();
            });

            assertThat(closed.get(0).socket().channel().isOpen()).isFalse();
        }
    }

    private static List<Channel> loop(Epoll epoll) throws IOException {
        return new ArrayList<>(epoll.loop(10));
    }
}
