package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * The event loop: owns an Epoll and runs "wait for ready channels, let each handle its events"
 * until asked to stop. Main no longer writes the loop itself.
 */
final class EventLoop implements AutoCloseable {
    /** The most one read takes from one socket: the size of the loop's read buffer. */
    static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Epoll epoll;
    /**
     * Where every read of this loop lands first, shared by all its connections: the loop reads
     * for one connection at a time. Direct, so the kernel copies straight into it; the JDK reads
     * a heap buffer through a temporary direct one, which would cost the same copy.
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** Written by stop(), possibly from another thread, read by the loop: hence volatile. */
    private volatile boolean stopped;
    /** How long select may wait; 0 means without limit. */
    private long selectTimeoutMillis;
    /** What to do when select returns with nothing ready: the timeout passed, or a wakeup. */
    private Runnable timeoutCallback = () -> { };

    EventLoop() throws IOException {
        epoll = new Epoll();
    }

    /** Runs in the calling thread until stop(). */
    void run() throws IOException {
        while (!stopped) {
            List<Channel> ready = epoll.loop(selectTimeoutMillis); // sleep until a channel is ready
            if (ready.isEmpty()) {
                runGuarded(timeoutCallback, "select-timeout callback");
            }
            for (Channel channel : ready) {
                handle(channel);
            }
        }
    }

    /** Calls back whenever select has waited {@code timeoutMillis} with nothing to report. */
    void setTimeoutCallback(long timeoutMillis, Runnable timeoutCallback) {
        this.selectTimeoutMillis = timeoutMillis;
        this.timeoutCallback = timeoutCallback;
    }

    /** The loop's read buffer; only for the loop's own reads. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Runs a callback of the loop's own; one that throws is reported, and the loop goes on. */
    private static void runGuarded(Runnable callback, String what) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            System.err.println(Thread.currentThread().getName() + ": " + what + " failed: " + e);
        }
    }

    /** A bug in one callback costs its own connection, not the loop and everyone on it. */
    private static void handle(Channel channel) {
        try {
            channel.handleEvent();
        } catch (RuntimeException | Error e) { // an Error too: a failed assert, a stack overflow
            System.err.println("closing " + channel.socket() + ": callback failed: " + e);
            if (!channel.socket().isListening()) {
                channel.socket().close(); // or the same event, still pending, fails again and again
            }
        }
    }

    /**
     * Asks the loop to return after the events at hand. The loop may be asleep in select, so
     * stop also wakes it; lesson 30 makes the wakeup a lesson of its own.
     */
    void stop() {
        stopped = true;
        epoll.wakeup();
    }

    void updateChannel(Channel channel) throws ClosedChannelException {
        epoll.updateChannel(channel);
    }

    /** Closes the Epoll; call it once run() has returned. */
    @Override
    public void close() throws IOException {
        epoll.close();
    }
}
