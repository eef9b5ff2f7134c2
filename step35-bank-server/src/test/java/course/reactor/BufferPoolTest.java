package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void sizesArePowersOfTwoFromOneKibibyte() {
        assertThat(BufferPool.sizeClass(1)).isEqualTo(10);
        assertThat(BufferPool.sizeClass(1024)).isEqualTo(10);
        assertThat(BufferPool.sizeClass(1025)).isEqualTo(11);
        assertThat(BufferPool.sizeClass(1 << 30)).isEqualTo(30);
        assertThatThrownBy(() -> BufferPool.sizeClass((1 << 30) + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBufferGivenBackIsTheNextOneTakenOfItsSizeAndOnlyOfItsSize() {
        BufferPool pool = new BufferPool();
        ByteBuffer first = pool.take(5000);
        assertThat(first.isDirect()).as("the kernel reads into it with no copy").isTrue();
        assertThat(first.capacity()).isEqualTo(8192);
        first.position(100);
        pool.give(first);

        assertThat(pool.take(2048)).as("another size").isNotSameAs(first);
        ByteBuffer again = pool.take(8000);
        assertThat(again).isSameAs(first);
        assertThat(again.position()).as("cleared").isZero();
        assertThat(pool.pooledBytes()).isZero();
    }

    @Test
    void keepsAtMostItsBudgetAndNothingOnceClosed() {
        BufferPool pool = new BufferPool();
        ByteBuffer kept = ByteBuffer.allocateDirect(BufferPool.MAX_POOLED_BYTES);
        pool.give(kept);
        pool.give(ByteBuffer.allocateDirect(1024)); // over the budget: left to the GC
        assertThat(pool.pooledBytes()).isEqualTo(BufferPool.MAX_POOLED_BYTES);

        pool.close();
        pool.give(ByteBuffer.allocateDirect(1024));
        assertThat(pool.pooledBytes()).isZero();
        assertThat(pool.take(BufferPool.MAX_POOLED_BYTES)).as("what it kept is dropped, for the GC").isNotSameAs(kept);
    }
}
