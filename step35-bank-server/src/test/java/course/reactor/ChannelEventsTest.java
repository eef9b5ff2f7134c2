package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callbacks a Channel runs for its events. */
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
}
