package course.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        assertThatCode(() -> Await.until("third poll", () -> polls.incrementAndGet() >= 3)).doesNotThrowAnyException();
    }

    @Test
    void returnsTheFirstValueThatIsNotNull() {
        AtomicInteger polls = new AtomicInteger();
        String value = Await.value("a value on the third poll", () -> polls.incrementAndGet() == 3 ? "found" : null);
        assertThat(value).isEqualTo("found");
        assertThat(polls).hasValue(3);
    }

    @Test
    void failsWithTheDescriptionWhenTheDeadlinePasses() {
        assertThatThrownBy(() -> Await.until("something that never happens", () -> false, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("something that never happens");
    }
}
