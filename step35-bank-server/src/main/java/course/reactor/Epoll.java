package course.reactor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
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
    private final List<Channel> ready = new ArrayList<>();
    private final Consumer<SelectionKey> collectReady = this::collect;

    Epoll() throws IOException {
        selector = Selector.open();
    }

    /** epoll_ctl: ADD the channel the first time, MOD its interest after that. */
    void updateChannel(Channel channel) throws ClosedChannelException {
        if (channel.key() == null) {
            channel.setKey(channel.socket().channel().register(selector, channel.interestOps(), channel));
        } else {
            channel.key().interestOps(channel.interestOps());
        }
    }

    /**
     * epoll_wait: blocks until a watched channel is ready or {@code timeoutMillis} pass (0 waits
     * without limit, a negative timeout does not wait at all) and returns the ready channels,
     * each with its ready events set. The list is reused by the next call.
     */
    List<Channel> loop(long timeoutMillis) throws IOException {
        ready.clear();
        // select(action) hands each ready key straight to us: no selected-key set to iterate
        // and clear, and no garbage per event.
        if (timeoutMillis < 0) {
            selector.selectNow(collectReady);
        } else {
            selector.select(collectReady, timeoutMillis);
        }
        return ready;
    }

    /** epoll_ctl(DEL): stop watching the channel. */
    void removeChannel(Channel channel) {
        SelectionKey key = channel.key();
        if (key != null) {
            key.cancel();
        }
    }

    /** Makes a select in progress, or the next one, return at once. */
    void wakeup() {
        selector.wakeup();
    }

    private void collect(SelectionKey key) {
        Channel channel = (Channel) key.attachment();
        channel.setReadyOps(key.readyOps());
        ready.add(channel);
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
