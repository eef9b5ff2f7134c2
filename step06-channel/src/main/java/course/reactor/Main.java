package course.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/** Lesson 6: the echo server speaking to its Epoll through the course's {@link Channel}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        ServerOptions options = ServerOptions.fromArgs(args);

        Socket listener = listenOrExit(options);

        Epoll epoll = new Epoll();
        // Tell us when a connection is waiting to be accepted.
        Channel listenChannel = new Channel(epoll, listener);
        listenChannel.enableReading();

        System.out.println("listening on " + listener.address());

        // One buffer for everybody: each event is handled to the end before the next one.
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (true) {
            for (Channel channel : epoll.loop(0)) { // sleep until at least one channel is ready
                if (channel.socket().isListening()) {
                    try {
                        // Accept every waiting connection, not just one: one wakeup, many clients.
                        for (Socket client = listener.accept(); client != null; client = listener.accept()) {
                            new Channel(epoll, client).enableReading();
                        }
                    } catch (IOException e) {
                        System.err.println("accept failed: " + e.getMessage());
                    }
                } else if ((channel.readyOps() & SelectionKey.OP_READ) != 0) {
                    Socket client = channel.socket();
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
