package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Payloads;
import course.toolkit.TestClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BufferTest {
    @Test
    void aNewBufferHoldsNoMemoryUntilTheFirstByteComes() {
        Buffer buffer = new Buffer();
        assertThat(buffer.capacity()).isZero();
        assertThat(buffer.readableBytes()).isZero();
        assertThat(buffer.writableBytes()).isZero();

        buffer.append(new byte[] {1}, 0, 1);

        assertThat(buffer.capacity()).isEqualTo(BufferPool.MIN_SIZE);
        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND);
    }

    @Test
    void retrieveMovesTheReaderIndexAndAnEmptyBufferGivesItsMemoryBack() {
        BufferPool pool = new BufferPool();
        Buffer buffer = new Buffer(pool);
        buffer.append(new byte[] {1, 2, 3, 4, 5}, 0, 5);
        buffer.retrieve(2);

        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND + 2); // nothing moved
        assertThat(content(buffer)).containsExactly(3, 4, 5);

        buffer.retrieve(3);

        assertThat(buffer.readableBytes()).isZero();
        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND);
        assertThat(buffer.capacity()).as("an idle buffer holds nothing").isZero();
        assertThat(pool.pooledBytes()).as("the loop keeps it for the next one").isEqualTo(BufferPool.MIN_SIZE);
    }

    @Test
    void compactsInsteadOfGrowingWhenTheRoomIsInFront() {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(1000, 33);
        buffer.append(data, 0, 1000);
        buffer.retrieve(900); // 100 left, 900 free in front, 16 at the back

        buffer.append(data, 0, 500);

        assertThat(buffer.capacity()).as("no growth").isEqualTo(BufferPool.MIN_SIZE);
        assertThat(buffer.prependableBytes()).as("content moved to the front").isEqualTo(Buffer.CHEAP_PREPEND);
        byte[] expected = new byte[600];
        System.arraycopy(data, 900, expected, 0, 100);
        System.arraycopy(data, 0, expected, 100, 500);
        assertThat(content(buffer)).isEqualTo(expected);
    }

    @Test
    void compactsInsteadOfGrowingWhenTheContentFitsExactlyOnceMoved() {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(BufferPool.MIN_SIZE - Buffer.CHEAP_PREPEND, 36);
        buffer.append(data, 0, data.length); // full: 8 + 1016 = 1024
        buffer.retrieve(16);

        buffer.append(data, 0, 16); // 8 + 1000 + 16 = 1024 once the 1000 left move to the front

        assertThat(buffer.capacity()).as("no growth").isEqualTo(BufferPool.MIN_SIZE);
        assertThat(content(buffer)).isEqualTo(concat(Arrays.copyOfRange(data, 16, data.length), Arrays.copyOf(data, 16)));
    }

    @Test
    void anAppendThatFillsTheWritableSpaceExactlyMovesNothing() {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(BufferPool.MIN_SIZE, 38);
        buffer.append(data, 0, 10);
        buffer.retrieve(5);
        assertThat(buffer.prependableBytes() + buffer.readableBytes() + buffer.writableBytes())
                .as("the layout's three parts").isEqualTo(buffer.capacity());
        int writable = buffer.writableBytes();
        assertThat(writable).isEqualTo(BufferPool.MIN_SIZE - Buffer.CHEAP_PREPEND - 10);

        buffer.append(data, 10, writable);

        assertThat(buffer.prependableBytes()).as("no compaction: it fitted where it was").isEqualTo(Buffer.CHEAP_PREPEND + 5);
        assertThat(buffer.writableBytes()).isZero();
        assertThat(buffer.capacity()).isEqualTo(BufferPool.MIN_SIZE);
        assertThat(content(buffer)).isEqualTo(Arrays.copyOfRange(data, 5, 10 + writable));
    }

    @Test
    void compactionMovesContentThatOverlapsItsNewPlace() {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(1000, 34);
        buffer.append(data, 0, 1000);
        buffer.retrieve(300); // 700 left, from 308 to 1008: the front 700 overlap them

        buffer.append(data, 0, 300);

        assertThat(buffer.capacity()).isEqualTo(BufferPool.MIN_SIZE);
        assertThat(content(buffer)).isEqualTo(concat(Arrays.copyOfRange(data, 300, 1000), Arrays.copyOf(data, 300)));
    }

    @Test
    void growsByDoublingAndKeepsEveryByte() {
        BufferPool pool = new BufferPool();
        Buffer buffer = new Buffer(pool);
        byte[] big = Payloads.random(100_000, 18);
        for (int offset = 0; offset < big.length; offset += 1_000) {
            buffer.append(big, offset, 1_000);
        }

        assertThat(buffer.capacity()).isEqualTo(128 * 1024); // 1 KiB doubled seven times
        assertThat(content(buffer)).isEqualTo(big);
        assertThat(pool.pooledBytes()).as("each smaller buffer went back to the pool: 1 + 2 + ... + 64 KiB")
                .isEqualTo(127 * 1024);
    }

    @Test
    void refusesToGrowPastItsLargestSizeBeforeTakingAnyMemory() {
        Buffer buffer = new Buffer();
        assertThatThrownBy(() -> buffer.ensureWritable(Buffer.MAX_CAPACITY)).isInstanceOf(IllegalStateException.class);
        assertThat(buffer.capacity()).isZero();
    }

    @Test
    void anEmptiedBufferLendsItsMemoryToThePoolAndTakesItBackWhenItGrows() {
        BufferPool pool = new BufferPool();
        Buffer buffer = new Buffer(pool);
        byte[] burst = Payloads.random(100_000, 33);
        buffer.append(burst, 0, burst.length);
        buffer.retrieve(burst.length);

        assertThat(buffer.capacity()).as("the idle buffer holds nothing").isZero();
        assertThat(pool.pooledBytes()).isEqualTo(128 * 1024);

        buffer.append(burst, 0, burst.length); // the next burst: no new memory to allocate and zero

        assertThat(pool.pooledBytes()).isZero();
        assertThat(content(buffer)).isEqualTo(burst);
    }

    @Test
    void trimMovesAFewBytesOutOfABigBufferAndLeavesAFullerOneAlone() {
        BufferPool pool = new BufferPool();
        Buffer buffer = new Buffer(pool);
        byte[] data = Payloads.random(200_000, 35);
        buffer.append(data, 0, data.length);
        buffer.retrieve(data.length - 10); // the first 10 bytes of the next message, say

        buffer.trim();

        assertThat(buffer.capacity()).isEqualTo(BufferPool.MIN_SIZE);
        assertThat(content(buffer)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
        assertThat(pool.pooledBytes()).as("the big one went back").isEqualTo(256 * 1024);

        Buffer fuller = new Buffer(pool);
        fuller.append(data, 0, 20_000); // a 32 KiB buffer, more than a sixteenth full
        fuller.trim();
        assertThat(fuller.capacity()).isEqualTo(32 * 1024);
    }

    @Test
    void retrieveAllEmptiesTheBufferAndGivesItsMemoryBack() {
        BufferPool pool = new BufferPool();
        Buffer buffer = new Buffer(pool);
        buffer.append(new byte[100], 0, 100);
        buffer.retrieve(10);

        buffer.retrieveAll();

        assertThat(buffer.readableBytes()).isZero();
        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND);
        assertThat(buffer.capacity()).isZero();
        assertThat(pool.pooledBytes()).isEqualTo(BufferPool.MIN_SIZE);
    }

    @Test
    void trimMovesATailOfUpToASixteenthOfItsBufferAndNotOneByteMore() {
        int sixteenth = 256 * 1024 / 16; // the prepend counts: a 16 KiB buffer holds 8 + 16,376
        Buffer atLimit = bigBufferHolding(sixteenth - Buffer.CHEAP_PREPEND);
        byte[] tail = content(atLimit);
        atLimit.trim();
        assertThat(atLimit.capacity()).isEqualTo(sixteenth);
        assertThat(content(atLimit)).isEqualTo(tail);

        Buffer overLimit = bigBufferHolding(sixteenth - Buffer.CHEAP_PREPEND + 1);
        overLimit.trim();
        assertThat(overLimit.capacity()).as("more than a sixteenth: left where it is").isEqualTo(256 * 1024);
    }

    @Test
    void prependsAHeaderToAnEmptyBodyToo() {
        Buffer buffer = new Buffer(); // no memory yet: a codec whose body came out empty
        buffer.prependInt(0);

        assertThat(buffer.prependableBytes()).isEqualTo(Buffer.CHEAP_PREPEND - Buffer.HEADER_BYTES);
        assertThat(content(buffer)).containsExactly(0, 0, 0, 0);
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
    }

    @Test
    void readsAtMostMaxReadPerCallAndWritesToARealSocket() throws Exception {
        byte[] payload = Payloads.random(700_000, 180);
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            client.send(payload);
            Buffer buffer = new Buffer();
            Await.until("every byte read", () -> {
                int before = buffer.readableBytes();
                int n = buffer.readFrom(connection, Connection.READ_ROOM);
                assertThat(n).isLessThanOrEqualTo(Buffer.MAX_READ);
                assertThat(buffer.readableBytes()).isEqualTo(before + Math.max(n, 0));
                return buffer.readableBytes() == payload.length;
            });

            while (buffer.readableBytes() > 0) {
                buffer.writeTo(connection);
            }

            assertThat(client.receive(payload.length)).isEqualTo(payload);
        }
    }

    @Test
    void writesFromAnOffsetAndKeepsTheBytesOrWritesFromTheFrontAndDropsThem() throws Exception {
        try (Socket listener = Socket.listen(new InetAddress("127.0.0.1", 0));
             TestClient client = TestClient.connect("127.0.0.1", listener.address().port());
             Socket connection = Await.value("a connection to accept", listener::accept)) {
            Buffer buffer = new Buffer();
            buffer.append(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);
            buffer.retrieve(1); // the content does not start at the front

            assertThat(buffer.writeTo(connection, 2, 3)).isEqualTo(3); // what a connection's echo does
            assertThat(client.receive(3)).containsExactly(4, 5, 6);
            assertThat(buffer.readableBytes()).as("kept").isEqualTo(5);

            assertThat(buffer.writeTo(connection)).as("the bytes written").isEqualTo(5);
            assertThat(client.receive(5)).containsExactly(2, 3, 4, 5, 6);
            assertThat(buffer.readableBytes()).as("dropped").isZero();
        }
    }

    /** A 256 KiB buffer whose last {@code readable} bytes are still unread. */
    private static Buffer bigBufferHolding(int readable) {
        Buffer buffer = new Buffer();
        byte[] data = Payloads.random(200_000, readable);
        buffer.append(data, 0, data.length);
        buffer.retrieve(data.length - readable);
        assertThat(buffer.capacity()).isEqualTo(256 * 1024);
        return buffer;
    }

    /** The readable bytes, copied; the buffer is left as it was. */
    private static byte[] content(Buffer buffer) {
        return buffer.copy(0, buffer.readableBytes());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
