package course.reactor;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The readiness selector: the course's Epoll, a wrapper of {@link Selector} (which on Linux is
 * an epoll instance: {@code epoll_create} when opened, {@code epoll_ctl} when a channel
 * registers, {@code epoll_wait} in {@code select}).
 */
final class Epoll implements AutoCloseable {
    private final Selector selector;
    /** The events array of epoll_wait, refilled by every loop() call. */
    private final List<SelectionKey> ready = new ArrayList<>();
    private final Consumer<SelectionKey> collectReady = ready::add;

    Epoll() throws IOException {
        selector = Selector.open();
    }

    /** epoll_ctl(ADD): watch the socket for these operations; its key carries the socket. */
    void addSocket(Socket socket, int ops) throws IOException {
        socket.channel().register(selector, ops, socket);
    }

    /**
     * epoll_wait: blocks until a watched socket is ready or {@code timeoutMillis} pass (0 waits
     * without limit) and returns the ready keys. The list is reused by the next call.
     */
    List<SelectionKey> loop(long timeoutMillis) throws IOException {
        ready.clear();
        // select(action) hands each ready key straight to us: no selected-key set to iterate
        // and clear, and no garbage per event.
        selector.select(collectReady, timeoutMillis);
        return ready;
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
