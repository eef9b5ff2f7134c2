package course.reactor;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.util.function.Consumer;

/** The listening side of a server: the listening Socket and its Channel, registered in a loop. */
final class Acceptor implements AutoCloseable {
    private final Socket socket;
    private final Channel channel;
    /** Who takes each accepted socket; until someone asks, nobody does and it is closed. */
    private Consumer<Socket> newConnectionCallback = Socket::close;
    /**
     * A descriptor held in reserve for when the process runs out (EMFILE). Then accept fails and
     * leaves the client waiting, and a level-triggered selector reports it again at once: a
     * loop at 100% CPU. Giving the spare back lets us accept that client and close it.
     */
    private DatagramChannel spare;
    /** True from the first EMFILE until an accept succeeds again: one log line per episode. */
    private boolean outOfDescriptors;
    private long refusedThisEpisode;

    /** Listens at once (port 0 picks a free port) and asks the loop for incoming connections. */
    Acceptor(EventLoop loop, InetAddress address) throws IOException {
        socket = Socket.listen(address);
        try {
            spare = DatagramChannel.open();
            channel = new Channel(loop, socket);
            channel.setReadCallback(this::newConnection); // the Channel calls us back
            channel.enableReading();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    void setNewConnectionCallback(Consumer<Socket> newConnectionCallback) {
        this.newConnectionCallback = newConnectionCallback;
    }

    /** The read callback of the listening channel: hands each waiting client to our callback. */
    private void newConnection() {
        try {
            // Accept every waiting connection, not just one: one wakeup, many clients.
            for (Socket client = socket.accept(); client != null; client = socket.accept()) {
                if (outOfDescriptors) {
                    outOfDescriptors = false;
                    System.err.println("accepting again after refusing " + refusedThisEpisode + " clients");
                }
                newConnectionCallback.accept(client);
            }
        } catch (IOException e) {
            if (isOutOfDescriptors(e)) {
                refuseOneClient();
            } else {
                System.err.println("accept failed: " + e.getMessage());
            }
        }
    }

    private static boolean isOutOfDescriptors(IOException e) {
        // EMFILE (this process) or ENFILE (the whole system); NIO only tells us in the message.
        return e.getMessage() != null && e.getMessage().contains("Too many open files");
    }

    /** Frees the spare descriptor, accepts the waiting client with it, closes the client, takes the spare back. */
    private void refuseOneClient() {
        if (!outOfDescriptors) {
            outOfDescriptors = true;
            refusedThisEpisode = 0;
            System.err.println("out of file descriptors: refusing new clients until some close");
        }
        try {
            if (spare != null) {
                spare.close();
                spare = null;
            }
            Socket client = socket.accept();
            if (client != null) {
                client.close(); // the client sees its connection closed at once instead of hanging
                refusedThisEpisode++;
            }
        } catch (IOException e) {
            // Someone else took the freed descriptor; the next event tries again.
        } finally {
            try {
                spare = DatagramChannel.open();
            } catch (IOException e) {
                spare = null; // still none to spare: retried on the next refusal
            }
        }
    }

    /** Where we listen, with the real port. */
    InetAddress address() {
        return socket.address();
    }

    /** Stops listening, and gives back the spare: the Acceptor owns both. */
    @Override
    public void close() {
        socket.close();
        if (spare != null) {
            try {
                spare.close();
            } catch (IOException e) {
                // Nothing to recover: the descriptor is released even when close reports an error.
            }
        }
    }
}
