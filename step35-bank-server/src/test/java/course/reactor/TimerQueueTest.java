package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap of timers, on timestamps the test chooses: no clock, no waiting. */
class TimerQueueTest {
    private final TimerQueue timers = new TimerQueue();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueTimersInDeadlineOrderAndNothingEarly() {
        timers.schedule(at(30), () -> ran.add("thirty"));
        timers.schedule(at(10), () -> ran.add("ten"));
        timers.schedule(at(20), () -> ran.add("twenty"));

        assertThat(timers.runExpired(at(9))).isZero();
        assertThat(timers.nextDeadline()).isEqualTo(at(10));
        assertThat(timers.runExpired(at(20))).isEqualTo(2);
        assertThat(ran).containsExactly("ten", "twenty");
        assertThat(timers.nextDeadline()).isEqualTo(at(30));
    }

    @Test
    void timersWithTheSameDeadlineRunInTheOrderTheyWereScheduled() {
        for (int i = 0; i < 5; i++) {
            String name = "t" + i;
            timers.schedule(at(7), () -> ran.add(name));
        }
        timers.runExpired(at(7));
        assertThat(ran).containsExactly("t0", "t1", "t2", "t3", "t4");
    }

    @Test
    void aCancelledTimerNeverRunsAndNoLongerCountsAsNext() {
        TimerQueue.Timer first = timers.schedule(at(5), () -> ran.add("cancelled"));
        timers.schedule(at(8), () -> ran.add("kept"));

        first.cancel();

        assertThat(timers.nextDeadline()).isEqualTo(at(8));
        timers.runExpired(at(100));
        assertThat(ran).containsExactly("kept");
        assertThat(timers.nextDeadline()).isNull();
    }

    @Test
    void aTimerMayScheduleAnotherWhichRunsWhenItsTurnComes() {
        timers.schedule(at(1), () -> {
            ran.add("first");
            timers.schedule(at(2), () -> ran.add("second"));
            timers.schedule(at(50), () -> ran.add("later"));
        });
        timers.runExpired(at(3));
        assertThat(ran).containsExactly("first", "second");
        assertThat(timers.size()).isEqualTo(1);
    }

    @Test
    void ordersTimestampsAcrossZeroAsNanoTimeMayDo() {
        timers.schedule(new Timestamp(5), () -> ran.add("positive"));
        timers.schedule(new Timestamp(-5), () -> ran.add("negative"));
        timers.runExpired(new Timestamp(10));
        assertThat(ran).containsExactly("negative", "positive");
    }

    private static Timestamp at(long seconds) {
        return new Timestamp(seconds * 1_000_000_000L);
    }
}
