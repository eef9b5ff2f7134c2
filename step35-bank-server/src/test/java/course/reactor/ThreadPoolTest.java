package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import course.toolkit.Await;
import course.toolkit.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadPoolTest {
    @Test
    void submitAllRunsEveryTaskOfTheBatchOnTheThreadsItWakes() throws Exception {
        ThreadPool pool = new ThreadPool("batch", 2);
        try {
            CountDownLatch bothRunning = new CountDownLatch(2);
            AtomicInteger overlapped = new AtomicInteger();
            List<Runnable> batch = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                batch.add(() -> {
                    bothRunning.countDown();
                    try { // true only if the other task runs at the same time: both threads were woken
                        if (bothRunning.await(5, TimeUnit.SECONDS)) {
                            overlapped.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            AtomicInteger small = new AtomicInteger();
            for (int i = 0; i < 100; i++) {
                batch.add(small::incrementAndGet);
            }
            Await.until("both threads asleep, waiting for work", () -> Threads.liveNamed("batch-").stream()
                    .allMatch(thread -> thread.getState() == Thread.State.WAITING) && Threads.liveNamed("batch-").size() == 2);
            pool.submitAll(batch);
            Await.until("all 102 tasks run", () -> small.get() == 100 && bothRunning.getCount() == 0);
            Await.until("the two first tasks to have run side by side", () -> overlapped.get() == 2);
        } finally {
            pool.stop();
        }
        assertThatThrownBy(() -> pool.submitAll(List.of(() -> { })))
                .as("refused once stopped, like submit").isInstanceOf(RejectedExecutionException.class);
    }

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
    void awaitIdleWaitsForQueuedAndRunningTasksReturnsOnceIdleAndGivesUpAtItsDeadline() throws Exception {
        ThreadPool pool = new ThreadPool("idle", 1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(pool.awaitIdle(System.nanoTime())).as("idle already: true, even with no time left").isTrue();
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger done = new AtomicInteger();
            pool.submit(() -> {
                started.countDown();
                awaitQuietly(release);
                done.incrementAndGet();
            });
            Await.until("the first task running, nothing queued", () -> started.getCount() == 0);
            assertThat(pool.awaitIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)))
                    .as("a task still running").isFalse();
            pool.submit(done::incrementAndGet);

            Thread waiter = Thread.currentThread();
            Thread releaser = new Thread(() -> {
                Await.until("awaitIdle asleep", () -> waiter.getState() == Thread.State.TIMED_WAITING);
                release.countDown();
            });
            releaser.start();
            long start = System.nanoTime();
            boolean idle = pool.awaitIdle(start + TimeUnit.SECONDS.toNanos(30));
            long waited = System.nanoTime() - start;
            releaser.join();

            assertThat(idle).isTrue();
            assertThat(done).as("both tasks ran before it returned").hasValue(2);
            assertThat(waited).as("woken when the pool went idle, not at its deadline").isLessThan(TimeUnit.SECONDS.toNanos(10));
        } finally {
            release.countDown();
            pool.close();
        }
        assertThat(Threads.liveNamed("idle-")).as("close() stops the pool").isEmpty();
    }

    @Test
    void stopNowDropsTheQueueInterruptsTheRunningTaskAndWaitsForTheThreads() throws Exception {
        ThreadPool pool = new ThreadPool("abandon", 1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger queuedRan = new AtomicInteger();
        pool.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // work that would never end by itself
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        for (int i = 0; i < 5; i++) {
            pool.submit(queuedRan::incrementAndGet);
        }
        Await.until("the first task running", () -> started.getCount() == 0);

        assertThat(pool.stopNow()).as("the queued tasks dropped").isEqualTo(5);

        assertThat(interrupted).as("the running task was interrupted").isTrue();
        assertThat(queuedRan).as("no dropped task ran").hasValue(0);
        assertThat(Threads.liveNamed("abandon-")).isEmpty();
        assertThatThrownBy(() -> pool.submit(() -> { })).isInstanceOf(RejectedExecutionException.class);
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
