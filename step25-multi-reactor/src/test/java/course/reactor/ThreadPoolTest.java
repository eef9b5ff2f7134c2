package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadPoolTest {
    @Test
    void runsEverySubmittedTaskExactlyOnceUnderConcurrentSubmitters() throws Exception {
        int submitters = 4;
        int perSubmitter = 10_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(submitters * perSubmitter);
        ThreadPool pool = new ThreadPool("exactly-once", 3);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int first = s * perSubmitter;
            threads.add(new Thread(() -> {
                for (int i = first; i < first + perSubmitter; i++) {
                    int task = i;
                    pool.submit(() -> runs.incrementAndGet(task));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        pool.stop();

        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
    }

    @Test
    void stopFinishesTheQueuedTasksAndRefusesNewOnes() throws Exception {
        ThreadPool pool = new ThreadPool("drain", 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        pool.submit(() -> awaitQuietly(release)); // holds the only thread
        for (int i = 0; i < 100; i++) {
            pool.submit(done::incrementAndGet);
        }

        Thread stopper = new Thread(pool::stop);
        stopper.start();
        Await.until("stop() to refuse new tasks", () -> {
            try {
                pool.submit(() -> { });
                return false;
            } catch (RejectedExecutionException e) {
                return true;
            }
        });
        assertThat(done).as("nothing ran yet: the only thread is held").hasValue(0);

        release.countDown();
        stopper.join(10_000);
        assertThat(stopper.isAlive()).isFalse();
        assertThat(done).as("every queued task ran before stop returned").hasValue(100);
    }

    @Test
    void submitAfterStopIsRefusedWithAClearMessage() {
        ThreadPool pool = new ThreadPool("refusing", 2);
        pool.stop();

        assertThatThrownBy(() -> pool.submit(() -> { }))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessage("thread pool refusing is stopped");
    }

    @Test
    void namesItsThreadsAndLeavesNoneBehindAfterStop() throws Exception {
        ThreadPool pool = new ThreadPool("named", 3);
        AtomicReference<String> threadName = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        pool.submit(() -> {
            threadName.set(Thread.currentThread().getName());
            ran.countDown();
        });
        ran.await();
        assertThat(threadName.get()).matches("named-[123]");
        assertThat(Threads.liveNamed("named-")).hasSize(3);

        pool.stop();

        assertThat(Threads.liveNamed("named-")).isEmpty();
    }

    @Test
    void aTaskThatThrowsDoesNotKillItsThread() throws Exception {
        ThreadPool pool = new ThreadPool("survivor", 1);
        AtomicReference<String> laterTaskThread = new AtomicReference<>();
        pool.submit(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        pool.submit(() -> laterTaskThread.set(Thread.currentThread().getName()));
        pool.stop();

        assertThat(laterTaskThread.get()).isEqualTo("survivor-1");
    }

    @Test
    void aTaskThatThrowsAnErrorDoesNotKillItsThreadEither() throws Exception {
        ThreadPool pool = new ThreadPool("survivor", 1);
        AtomicReference<String> laterTaskThread = new AtomicReference<>();
        pool.submit(() -> {
            throw new AssertionError("an Error (expected by the test)");
        });
        pool.submit(() -> laterTaskThread.set(Thread.currentThread().getName()));
        pool.stop();

        assertThat(laterTaskThread.get()).isEqualTo("survivor-1");
    }

    @Test
    void aPoolThreadCannotStopItsOwnPool() throws Exception {
        ThreadPool pool = new ThreadPool("self", 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        pool.submit(() -> {
            try {
                pool.stop();
            } catch (IllegalStateException e) {
                failure.set(e);
            }
            ran.countDown();
        });
        ran.await();
        pool.stop();

        assertThat(failure.get()).hasMessage("a thread of pool self cannot stop its own pool");
    }

    @Test
    void aTaskSubmittedWhileEveryThreadSleepsWakesOne() throws Exception {
        ThreadPool pool = new ThreadPool("wake", 2);
        try {
            assertThat(pool.threadCount()).isEqualTo(2);
            Await.until("both threads asleep, waiting for work", () -> Threads.liveNamed("wake-").size() == 2
                    && Threads.liveNamed("wake-").stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
            CountDownLatch ran = new CountDownLatch(1);

            pool.submit(ran::countDown);

            Await.until("the task to run, with no stop() to wake the threads", () -> ran.getCount() == 0);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aStopInterruptedWhileItWaitsStillWaitsForTheThreadsAndKeepsTheInterrupt() throws Exception {
        ThreadPool pool = new ThreadPool("interrupted", 1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> awaitQuietly(release)); // holds the only thread
        AtomicBoolean threadsGone = new AtomicBoolean();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            pool.stop();
            threadsGone.set(Threads.liveNamed("interrupted-").isEmpty());
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        stopper.start();
        Await.until("stop() waiting for the thread", () -> stopper.getState() == Thread.State.WAITING);

        stopper.interrupt();
        Await.until("stop() to have taken the interrupt: waiting again, or returned", () -> !stopper.isAlive()
                || stopper.getState() == Thread.State.WAITING && !stopper.isInterrupted());
        release.countDown(); // only now: a stop() that returned early has seen the thread alive
        stopper.join(10_000);

        assertThat(stopper.isAlive()).isFalse();
        assertThat(threadsGone).as("stop() returned only once its threads had ended").isTrue();
        assertThat(interruptKept).as("the interrupt is not lost").isTrue();
        ThreadPool quiet = new ThreadPool("quiet", 1);
        quiet.stop();
        assertThat(Thread.interrupted()).as("a stop nobody interrupted leaves no interrupt behind").isFalse();
    }


    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
