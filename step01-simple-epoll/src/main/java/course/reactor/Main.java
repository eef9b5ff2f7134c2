package course.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Iterator;

/** Lesson 1: the simplest Selector echo server, everything in {@code main}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        // socket() + bind() + listen() in one: a listening channel.
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.bind(new InetSocketAddress(options.host(), options.port()));
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
                        SocketChannel client = listener.accept(); // null: nobody waiting after all (EAGAIN)
                        if (client != null) {
                            client.configureBlocking(false);
                            client.register(selector, SelectionKey.OP_READ);
                        }
                    } catch (IOException e) {
                        System.err.println("accept failed: " + e.getMessage());
                    }
                } else if (key.isReadable()) {
                    SocketChannel client = (SocketChannel) key.channel();
                    try {
                        buffer.clear();
                        if (client.read(buffer) == -1) { // -1: the peer closed its side (EOF)
                            client.close(); // closing also deregisters it from the selector
                            continue;
                        }
                        buffer.flip();
                        // Naive on purpose: if the peer does not read, write() returns 0 and this
                        // spins, holding up every other client. Lesson 20 fixes it.
                        while (buffer.hasRemaining()) {
                            client.write(buffer);
                        }
                    } catch (IOException e) { // e.g. the peer reset the connection
                        System.err.println("connection error: " + e.getMessage());
                        client.close();
                    }
                }
            }
        }
    }
}
