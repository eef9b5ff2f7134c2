package course.reactor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open loop's arithmetic: when each frame is meant to go, and what a late sender owes. */
class ScheduleTest {
    private final Schedule schedule = new Schedule(1_000, 100);

    @Test
    void frameKIsMeantForStartPlusKIntervals() {
        assertThat(schedule.intendedNanos(0)).isEqualTo(1_000);
        assertThat(schedule.intendedNanos(5)).isEqualTo(1_500);
    }

    @Test
    void aLateSenderOwesEveryFrameWhoseTimeHasCome() {
        assertThat(schedule.framesDueBy(999)).isZero();
        assertThat(schedule.framesDueBy(1_000)).isEqualTo(1);
        assertThat(schedule.framesDueBy(1_099)).isEqualTo(1);
        assertThat(schedule.framesDueBy(1_100)).isEqualTo(2);
        // Woken up five intervals after frame 0's time: frames 0 to 5 are due, none is skipped.
        assertThat(schedule.framesDueBy(1_550)).isEqualTo(6);
    }

    @Test
    void randomPhasesSpreadOverTheFirstInterval() {
        Random random = new Random(42);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            starts.add(Schedule.withRandomPhase(5_000, 1_000, random).startNanos());
        }
        assertThat(starts).allSatisfy(start -> assertThat(start).isBetween(5_000L, 5_999L));
        assertThat(starts.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(5_100);
        assertThat(starts.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(5_900);
    }

    @Test
    void theIntervalSplitsTheOfferedRateOverTheConnections() {
        assertThat(Schedule.intervalNanos(10_000, 10_000)).isEqualTo(1_000_000_000L); // c10k: once a second each
        assertThat(Schedule.intervalNanos(50_000, 50)).isEqualTo(1_000_000L);
        assertThatThrownBy(() -> Schedule.intervalNanos(0, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Schedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
