package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import course.toolkit.TestClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many threads sending to one connection: each send is handed to the IO loop, whole and in order. */
class ConcurrentSendTest {
    private static final int SENDERS = 20;
    private static final int MESSAGES_EACH = 500;

    @Test
    void twentyThreadsSendingToOneConnectionLoseAndReorderNothing() throws Exception {
        TcpServer server = new TcpServer(new InetAddress("127.0.0.1", 0), 1 << 20, 1);
        List<Thread> senders = new ArrayList<>();
        server.setMessageCallback((connection, go) -> {
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                Thread thread = new Thread(() -> {
                    for (int seq = 0; seq < MESSAGES_EACH; seq++) {
                        connection.send(ByteBuffer.allocate(8).putInt(sender).putInt(seq).array());
                    }
                }, "sender-" + s);
                senders.add(thread);
                thread.start();
            }
        });
        try (LoopThread running = new LoopThread(server);
             TestClient client = TestClient.connect("127.0.0.1", server.address().port())) {
            client.sendFrame(new byte[] {1}); // go

            int[] next = new int[SENDERS];
            for (int i = 0; i < SENDERS * MESSAGES_EACH; i++) {
                ByteBuffer message = ByteBuffer.wrap(client.receiveFrame());
                int sender = message.getInt();
                int seq = message.getInt();
                assertThat(seq).as("message %d of sender %d", i, sender).isEqualTo(next[sender]);
                next[sender]++;
            }
            assertThat(next).containsOnly(MESSAGES_EACH);
        } finally {
            for (Thread sender : senders) {
                sender.join(10_000);
            }
        }
    }
}
