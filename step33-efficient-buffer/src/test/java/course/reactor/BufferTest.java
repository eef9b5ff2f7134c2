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
    void aNewBufferHoldsNoArrayUntilTheFirstByteComes() {
        Buffer buffer = new Buffer();
        assertThat(buffer.capacity()).isZero();
        assertThat(buffer.readableBytes()).isZero();
        assertThat(buffer.writableBytes()).isZero();

        buffer.append(new byte[] {1}, 0, 1);

        assertThat(buffer.capacity()).isEqualTo(Buffer.INITIAL_SIZE);
        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND);
    }

    @Test
    void retrieveMovesTheReaderIndexAndAnEmptyBufferStartsOverAtTheFront() {
        Buffer buffer = new Buffer();
        buffer.append(new byte[] {1, 2, 3, 4, 5}, 0, 5);
        buffer.retrieve(2);

        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND + 2); // nothing moved
        assertThat(content(buffer)).containsExactly(3, 4, 5);

        buffer.retrieve(3);

        assertThat(buffer.readableBytes()).isZero();
        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND);
        assertThat(buffer.writableBytes()).isEqualTo(Buffer.INITIAL_SIZE - Buffer.CHEAP_PREPEND);
    }

    @Test
    void compactsInsteadOfGrowingWhenTheRoomIsInFront() {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(1000, 33);
        buffer.append(data, 0, 1000);
        buffer.retrieve(900); // 100 left, 900 free in front, 16 at the back

        buffer.append(data, 0, 500);

        assertThat(buffer.capacity()).as("no growth").isEqualTo(Buffer.INITIAL_SIZE);
        assertThat(buffer.prependableBytes()).as("content moved to the front").isEqualTo(Buffer.CHEAP_PREPEND);
        byte[] expected = new byte[600];
        System.arraycopy(data, 900, expected, 0, 100);
        System.arraycopy(data, 0, expected, 100, 500);
        assertThat(content(buffer)).isEqualTo(expected);
    }

    @Test
    void growsByDoublingAndKeepsEveryByte() {
        Buffer buffer = new Buffer();
        byte[] big = Payloads.random(100_000, 18);
        for (int offset = 0; offset < big.length; offset += 1_000) {
            buffer.append(big, offset, 1_000);
        }

        assertThat(buffer.capacity()).isEqualTo(128 * 1024); // 1 KiB doubled seven times
        assertThat(content(buffer)).isEqualTo(big);
    }

    @Test
    void aLargeBufferGivesItsArrayBackOnceEmptied() {
        Buffer buffer = new Buffer();
        buffer.append(new byte[Buffer.KEEP_AT_MOST + 1], 0, Buffer.KEEP_AT_MOST + 1);
        buffer.retrieve(Buffer.KEEP_AT_MOST + 1);
        assertThat(buffer.capacity()).isZero();

        Buffer small = new Buffer();
        small.append(new byte[100], 0, 100);
        small.retrieve(100);
        assertThat(small.capacity()).as("a small one keeps it, or every message would allocate").isEqualTo(Buffer.INITIAL_SIZE);
    }

    @Test
    void anEmptiedLargeBufferLendsItsArrayToTheLoopsCacheAndTakesItBackWhenItGrows() {
        ArrayCache cache = new ArrayCache(ArrayCache.SLOTS);
        Buffer buffer = new Buffer(cache);
        byte[] burst = Payloads.random(Buffer.KEEP_AT_MOST + 1, 33);
        buffer.append(burst, 0, burst.length);
        buffer.retrieve(burst.length);

        assertThat(buffer.capacity()).as("the idle buffer holds nothing").isZero();
        assertThat(cache.size()).isEqualTo(1);

        buffer.append(burst, 0, burst.length); // the next burst: no new array to allocate and zero

        assertThat(cache.size()).isZero();
        assertThat(content(buffer)).isEqualTo(burst);
    }

    @Test
    void prependsAHeaderInFrontOfABodyWithoutMovingIt() {
        Buffer buffer = new Buffer();
        buffer.append(new byte[] {7, 8, 9}, 0, 3);
        buffer.prependInt(3);

        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND - Buffer.HEADER_BYTES);
        assertThat(content(buffer)).containsExactly(0, 0, 0, 3, 7, 8, 9);

        buffer.prependInt(0x01020304);
        assertThatThrownBy(() -> buffer.prependInt(5)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writesAndReadsTheLengthHeaderBigEndianEvenAboveSevenBits() {
        Buffer buffer = new Buffer();
        buffer.appendMessage(new byte[] {7, 8});
        buffer.appendMessage(new byte[300]);
        buffer.appendMessage(new byte[0x80_00]); // a header byte above 0x7F: sign extension would break it

        assertThat(buffer.peekInt(0)).isEqualTo(2);
        assertThat(buffer.copy(0, 6)).containsExactly(0, 0, 0, 2, 7, 8);
        assertThat(buffer.copy(6, 4)).containsExactly(0, 0, 1, 44); // 300 = 0x012C
        assertThat(buffer.peekInt(6)).isEqualTo(300);
        assertThat(buffer.peekInt(6 + 4 + 300)).isEqualTo(0x80_00);
        assertThat(buffer.readable().getInt(buffer.readable().position() + 6 + 4 + 300)).isEqualTo(0x80_00);
    }

    @Test
    void aScatteringReadFillsTheBufferFirstAndAppendsTheRestFromTheSpare() throws Exception {
        byte[] payload = Payloads.random(50_000, 7);
        ByteBuffer spare = ByteBuffer.allocateDirect(EventLoop.READ_BUFFER_BYTES);
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            Buffer buffer = new Buffer();
            buffer.append(payload, 0, 10); // a message begun: 1 KiB array, 1006 bytes writable
            client.send(Arrays.copyOfRange(payload, 10, payload.length));

            Await.until("every byte read", () -> {
                buffer.readFrom(connection, spare);
                return buffer.readableBytes() == payload.length;
            });

            assertThat(content(buffer)).isEqualTo(payload);
            assertThat(buffer.capacity()).as("grown only as far as needed").isBetween(payload.length + Buffer.CHEAP_PREPEND, 2 * payload.length);
        }
    }

    @Test
    void readsFromAndWritesToARealSocket() throws Exception {
        byte[] payload = Payloads.random(300_000, 180);
        ByteBuffer spare = ByteBuffer.allocateDirect(EventLoop.READ_BUFFER_BYTES);
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            client.send(payload);
            Buffer buffer = new Buffer();
            Await.until("every byte read", () -> {
                buffer.readFrom(connection, spare);
                return buffer.readableBytes() == payload.length;
            });

            while (buffer.readableBytes() > 0) {
                buffer.writeTo(connection);
            }

            assertThat(client.receive(payload.length)).isEqualTo(payload);
        }
    }

    /** The readable bytes, through the shared view; the buffer is left as it was. */
    private static byte[] content(Buffer buffer) {
        ByteBuffer readable = buffer.readable();
        byte[] bytes = new byte[readable.remaining()];
        readable.get(readable.position(), bytes);
        return bytes;
    }
}
