package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BufferTest {
    @Test
    void growthDoublesButNeverOverflowsNearOneGibibyte() {
        assertThat(Buffer.grownCapacity(1024, 1025)).isEqualTo(2048);
        assertThat(Buffer.grownCapacity(1024, 5000)).as("at least what is needed").isEqualTo(5000);
        assertThat(Buffer.grownCapacity(1 << 30, (1L << 30) + 1)).as("doubling 1 GiB as an int would be negative")
                .isEqualTo(Integer.MAX_VALUE - 8);
        assertThatThrownBy(() -> Buffer.grownCapacity(Integer.MAX_VALUE - 8, Integer.MAX_VALUE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void appendsAtTheBackAndConsumesFromTheFront() throws Exception {
        Buffer buffer = new Buffer();
        byte[] bytes = {1, 2, 3, 4, 5};
        buffer.append(bytes, 0, 5);
        buffer.consume(2);
        buffer.append(bytes, 0, 1);

        assertThat(buffer.readableBytes()).isEqualTo(4);
        assertThat(drain(buffer)).containsExactly(3, 4, 5, 1);
    }

    @Test
    void growsToHoldWhateverIsAppended() throws Exception {
        Buffer buffer = new Buffer();
        byte[] big = Payloads.random(100_000, 18);
        for (int offset = 0; offset < big.length; offset += 1_000) {
            buffer.append(big, offset, 1_000);
        }

        assertThat(buffer.readableBytes()).isEqualTo(big.length);
        assertThat(drain(buffer)).isEqualTo(big);
    }

    @Test
    void copiesAnyRangeOfTheReadableBytesAndLeavesThemInPlace() throws Exception {
        Buffer buffer = new Buffer();
        buffer.append(new byte[] {0, 0, 0, 3, 7, 8, 9}, 0, 7);

        assertThat(buffer.copy(0, 4)).containsExactly(0, 0, 0, 3);
        assertThat(buffer.copy(4, 3)).containsExactly(7, 8, 9);
        assertThat(buffer.readableBytes()).isEqualTo(7);
    }

    @Test
    void readsFromAndWritesToARealSocket() throws Exception {
        byte[] payload = Payloads.random(300_000, 180);
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            client.send(payload);
            Buffer buffer = new Buffer();
            ByteBuffer readBuffer = ByteBuffer.allocateDirect(EventLoop.READ_BUFFER_BYTES);
            Await.until("every byte read", () -> {
                buffer.readFrom(connection, readBuffer);
                return buffer.readableBytes() == payload.length;
            });

            while (buffer.readableBytes() > 0) {
                buffer.writeTo(connection);
            }

            assertThat(client.receive(payload.length)).isEqualTo(payload);
        }
    }

    /** Takes every readable byte out through a socket pair's worth of API: writeTo a sink. */
    private static byte[] drain(Buffer buffer) throws Exception {
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            int length = buffer.readableBytes();
            while (buffer.readableBytes() > 0) {
                buffer.writeTo(connection);
            }
            return Arrays.copyOf(client.receive(length), length);
        }
    }
}
