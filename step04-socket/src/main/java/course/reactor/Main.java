package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;

/** Lesson 4: the echo server with its sockets wrapped in the course's {@link Socket}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        Socket listener = listenOrExit(options);

        // epoll_create(): on Linux the JDK's Selector is an epoll instance.
        Selector selector = Selector.open();
        // epoll_ctl(ADD, listenfd, EPOLLIN): tell us when a connection is waiting to be accepted.
        listener.channel().register(selector, SelectionKey.OP_ACCEPT);

        System.out.println("listening on " + listener.address());

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
                        for (Socket client = listener.accept(); client != null; client = listener.accept()) {
                            // epoll_event.data.ptr: the key carries per-connection state, here the Socket.
                            client.channel().register(selector, SelectionKey.OP_READ, client);
                        }
                    } catch (IOException e) {
                        System.err.println("accept failed: " + e.getMessage());
                    }
                } else if (key.isReadable()) {
                    Socket client = (Socket) key.attachment();
                    try {
                        handleRead(client, buffer);
                    } catch (IOException e) { // an error, e.g. a reset: worth one line naming the peer
                        System.err.println("closing " + client + ": " + e.getMessage());
                        client.close();
                    }
                }
            }
        }
    }

    /** A port in use or an unknown host is the learner's most common mistake: say it in one line. */
    private static Socket listenOrExit(ServerOptions options) {
        try {
            return Socket.listen(new InetAddress(options.host(), options.port()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e); // not reached
        }
    }

    /**
     * One "readable" event of a client: one read, of at most the buffer's size, and its echo.
     * Not a loop until read returns 0: the selector is level-triggered, so bytes this read
     * leaves behind make the client ready again at the next select, after every other ready
     * client has had its turn. A loop would let one fast sender keep the server to itself.
     */
    static void handleRead(Socket client, ByteBuffer buffer) throws IOException {
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
