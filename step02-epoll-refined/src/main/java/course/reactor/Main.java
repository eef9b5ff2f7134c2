package course.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Iterator;

/** Lesson 2: the same server, refined: socket options, accept until none is left, one read per event, EOF vs error, state on the key. */
public final class Main {
    /** Connections the kernel may queue before we accept them; Java's default is only 50. */
    private static final int BACKLOG = 1024;

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        // socket() + bind() + listen() in one: a listening channel.
        ServerSocketChannel listener = ServerSocketChannel.open();
        // Rebind at once after a restart, even while old connections sit in TIME_WAIT.
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            listener.bind(new InetSocketAddress(options.host(), options.port()), BACKLOG);
        } catch (IOException | UnresolvedAddressException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e);
            System.exit(1);
        }
        listener.configureBlocking(false); // a Selector only takes non-blocking channels

        // epoll_create(): on Linux the JDK's Selector is an epoll instance.
        Selector selector = Selector.open();
        // epoll_ctl(ADD, listenfd, EPOLLIN): tell us when a connection is waiting to be accepted.
        listener.register(selector, SelectionKey.OP_ACCEPT);

        InetSocketAddress local = (InetSocketAddress) listener.getLocalAddress();
        System.out.println("listening on " + local.getAddress().getHostAddress() + ":" + local.getPort());

        // One buffer for everybody: each event is handled to the end before the next one.
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (true) {
            selector.select(); // epoll_wait(): sleep until at least one channel is ready
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove(); // the selector only adds to this set; removing is our job
                if (key.isAcceptable()) {
                    try {
                        // Accept every waiting connection, not just one: one wakeup, many clients.
                        for (SocketChannel client = listener.accept(); client != null; client = listener.accept()) {
                            client.configureBlocking(false);
                            // Send small writes at once instead of waiting to coalesce them (Nagle).
                            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            // epoll_event.data.ptr: the key carries per-connection state, here the peer's name.
                            client.register(selector, SelectionKey.OP_READ, client.getRemoteAddress().toString());
                        }
                    } catch (IOException e) {
                        System.err.println("accept failed: " + e.getMessage());
                    }
                } else if (key.isReadable()) {
                    SocketChannel client = (SocketChannel) key.channel();
                    try {
                        handleRead(client, buffer);
                    } catch (IOException e) { // an error, e.g. a reset: worth one line naming the peer
                        System.err.println("closing " + key.attachment() + ": " + e.getMessage());
                        client.close();
                    }
                }
            }
        }
    }

    /**
     * One "readable" event of a client: one read, of at most the buffer's size, and its echo.
     * Not a loop until read returns 0: the selector is level-triggered, so bytes this read
     * leaves behind make the client ready again at the next select, after every other ready
     * client has had its turn. A loop would let one fast sender keep the server to itself.
     */
    static void handleRead(SocketChannel client, ByteBuffer buffer) throws IOException {
        buffer.clear();
        int n = client.read(buffer); // 0 is possible too (nothing there after all): nothing to echo
        if (n == -1) { // EOF: the peer closed its side in order; nothing to report
            client.close(); // closing also deregisters it from the selector
            return;
        }
        buffer.flip();
        // Naive on purpose: if the peer does not read, write() returns 0 and this
        // spins, holding up every other client. Lesson 20 fixes it.
        while (buffer.hasRemaining()) {
            client.write(buffer);
        }
    }
}
