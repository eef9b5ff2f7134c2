package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrayCacheTest {
    @Test
    void takeHandsBackAKeptArrayThatIsBigEnough() {
        ArrayCache cache = new ArrayCache(2);
        byte[] small = new byte[100];
        byte[] big = new byte[1000];
        cache.give(small);
        cache.give(big);

        assertThat(cache.take(500)).isSameAs(big);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.take(500)).as("the small one does not fit: a new one").isNotSameAs(small).hasSize(500);
        assertThat(cache.take(50)).isSameAs(small);
        assertThat(cache.size()).isZero();
    }

    @Test
    void keepsAtMostItsSlotsAndNothingTooBig() {
        ArrayCache cache = new ArrayCache(2);
        cache.give(new byte[10]);
        cache.give(new byte[10]);
        cache.give(new byte[10]);
        assertThat(cache.size()).as("full: the third goes to the garbage collector").isEqualTo(2);

        ArrayCache roomy = new ArrayCache(2);
        roomy.give(new byte[ArrayCache.MAX_CACHED_BYTES + 1]);
        assertThat(roomy.size()).as("one huge message must not stay pinned").isZero();

        ArrayCache.NONE.give(new byte[10]);
        assertThat(ArrayCache.NONE.size()).isZero();
    }
}
