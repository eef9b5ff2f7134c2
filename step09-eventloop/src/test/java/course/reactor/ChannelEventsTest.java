package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.TestClient;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callbacks a Channel runs for its events, on a running EventLoop and real sockets. */
class ChannelEventsTest {
    private static final InetAddress ANY_FREE_PORT = new InetAddress("127.0.0.1", 0);

    @Test
    void handleEventCallsTheReadCallbackOnlyWhenTheSocketIsReady() throws Exception {
        try (EventLoop loop = new EventLoop(); Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(loop, listener);
            AtomicInteger calls = new AtomicInteger();
            listenChannel.setReadCallback(calls::incrementAndGet);
            listenChannel.enableReading();

            listenChannel.setReadyOps(0);
            listenChannel.handleEvent();
            assertThat(calls).as("nothing ready, no call").hasValue(0);

            listenChannel.setReadyOps(SelectionKey.OP_ACCEPT);
            listenChannel.handleEvent();
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void theListeningChannelAcceptsEveryWaitingClientAndEachConnectionEchoes() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(loop, listener);
            listenChannel.setReadCallback(listenChannel::newConnection);
            listenChannel.enableReading();
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) { // all three wait in the backlog before any event
                    clients.add(TestClient.connect("127.0.0.1", listener.address().port()));
                }
                listenChannel.setReadyOps(SelectionKey.OP_ACCEPT);
                listenChannel.handleEvent(); // one event, by hand
                assertThat(listenChannel.key().selector().keys()).as("the listener and a connection for each client")
                        .hasSize(4);

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
    }

    @Test
    void aConnectionClosesItsSocketWhenThePeerHasFinished() throws Exception {
        EventLoop loop = new EventLoop();
        try (Socket listener = Socket.listen(ANY_FREE_PORT)) {
            Channel listenChannel = new Channel(loop, listener);
            listenChannel.setReadCallback(listenChannel::newConnection);
            listenChannel.enableReading();
            try (LoopThread running = new LoopThread(loop);
                 TestClient client = TestClient.connect("127.0.0.1", listener.address().port())) {
                client.shutdownOutput();
                assertThat(client.awaitEof()).as("the server closed its side").isTrue();
            }
        }
    }
}
