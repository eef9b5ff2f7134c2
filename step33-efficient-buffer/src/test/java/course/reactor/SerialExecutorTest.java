package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void aTurnThatMustStartIsHandedToTheCallerAndRunsEveryTaskInOrderOnceSubmitted() throws Exception {
        ThreadPool pool = new ThreadPool("test-worker", 2);
        try {
            SerialExecutor first = new SerialExecutor(pool);
            SerialExecutor second = new SerialExecutor(pool);
            List<String> ran = new CopyOnWriteArrayList<>();
            List<Runnable> turns = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "first-" + i;
                first.execute(() -> ran.add(name), turns);
            }
            second.execute(() -> ran.add("second-0"), turns);
            assertThat(turns).as("one turn per executor, however many tasks it has").hasSize(2);
            assertThat(ran).as("nothing runs before the turns are submitted").isEmpty();

            pool.submitAll(turns);

            Await.until("every task run", () -> ran.size() == 4);
            assertThat(ran.stream().filter(name -> name.startsWith("first")).toList())
                    .isEqualTo(List.of("first-0", "first-1", "first-2"));
            first.execute(() -> ran.add("first-3"), turns);
            assertThat(turns).as("a new turn once the last one has ended").hasSize(3);
        } finally {
            pool.stop();
        }
    }

    @Test
    void runsOneConnectionsTasksInOrderAndTakesTurnsWithAnother() throws Exception {
        ThreadPool pool = new ThreadPool("test-worker", 1); // one worker: the order of turns is visible
        try {
            SerialExecutor busy = new SerialExecutor(pool);
            SerialExecutor quiet = new SerialExecutor(pool);
            List<String> ran = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            busy.execute(() -> {
                await(release);
                ran.add("busy-0");
            });
            for (int i = 1; i < 100; i++) {
                String name = "busy-" + i;
                busy.execute(() -> ran.add(name));
            }
            quiet.execute(() -> ran.add("quiet"));

            release.countDown();

            Await.until("every task run", () -> ran.size() == 101);
            assertThat(ran.indexOf("quiet")).as("the quiet client waits one turn, not 99 tasks").isEqualTo(1);
            assertThat(ran.stream().filter(name -> name.startsWith("busy")).toList())
                    .as("one connection's tasks keep their order")
                    .isEqualTo(IntStream.range(0, 100).mapToObj(i -> "busy-" + i).toList());
        } finally {
            pool.stop();
        }
    }

    @Test
    void aPoolThatStopsStillFinishesEveryTaskAlreadyGiven() throws Exception {
        ThreadPool pool = new ThreadPool("test-worker", 1);
        SerialExecutor executor = new SerialExecutor(pool);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            started.countDown();
            await(release);
            ran.add(0);
        });
        for (int i = 1; i < 10; i++) {
            int n = i;
            executor.execute(() -> ran.add(n));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(pool::stop, "test-stopper");
        stopper.start(); // stop() refuses new turns: the rest must run in the turn in hand
        Await.until("the pool refuses new tasks", () -> isStopping(pool));

        release.countDown();
        stopper.join(10_000);

        assertThat(stopper.isAlive()).isFalse();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aTaskThatThrowsAnErrorDoesNotStallTheTasksBehindIt() throws Exception {
        ThreadPool pool = new ThreadPool("test-worker", 1);
        try {
            SerialExecutor tasks = new SerialExecutor(pool);
            CountDownLatch later = new CountDownLatch(1);
            tasks.execute(() -> {
                throw new AssertionError("an Error (expected by the test)");
            });
            tasks.execute(later::countDown);
            assertThat(later.await(10, TimeUnit.SECONDS)).as("the next task still runs").isTrue();
        } finally {
            pool.stop();
        }
    }

    @Test
    void aRefusedTurnLeavesNothingStuck() {
        ThreadPool pool = new ThreadPool("test-worker", 1);
        pool.stop();
        SerialExecutor tasks = new SerialExecutor(pool);
        assertThatThrownBy(() -> tasks.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        // Stuck would be: the first refusal left a turn "scheduled", so this one is queued in silence.
        assertThatThrownBy(() -> tasks.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    private static boolean isStopping(ThreadPool pool) {
        try {
            pool.submit(() -> { });
            return false;
        } catch (RejectedExecutionException e) {
            return true;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
