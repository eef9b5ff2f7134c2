package course.reactor;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.util.function.Consumer;

/** The listening side of a server: the listening Socket and its Channel, registered in a loop. */
final class Acceptor implements AutoCloseable {
    /** How long to stop asking for new clients when there is no descriptor to refuse them with, or accept keeps failing. */
    static final long PAUSE_MILLIS = 100;

    private final EventLoop loop;
    private final Socket socket;
    private final Channel channel;
    /** Who takes each accepted socket; until someone asks, nobody does and it is closed. */
    private Consumer<Socket> newConnectionCallback = Socket::close;
    /**
     * A descriptor held in reserve for when the process runs out (EMFILE). Then accept fails and
     * leaves the client waiting, and a level-triggered selector reports it again at once: a
     * loop at 100% CPU. Giving the spare back lets us accept that client and close it. Null
     * when another thread took the descriptor while we had given it back.
     */
    private DatagramChannel spare;
    /** True from the first refusal until an accept succeeds again: one log line per episode. */
    private boolean outOfDescriptors;
    private long refusedThisEpisode;
    /** True while OP_ACCEPT is off because there was no spare to refuse a client with. */
    private boolean paused;
    /** True from an accept that failed even with the spare given back until one succeeds: logged once. */
    private boolean failing;

    /** Listens at once (port 0 picks a free port) and asks the loop for incoming connections. */
    Acceptor(EventLoop loop, InetAddress address) throws IOException {
        this.loop = loop;
        socket = Socket.listen(address);
        try {
            // Close one channel now: the JDK loads what closing needs the first time, and that
            // takes a descriptor. Left to the first refusal, with none free, the loading fails
            // and takes the loop with it.
            DatagramChannel.open().close();
            spare = DatagramChannel.open();
            channel = new Channel(loop, socket);
            channel.setReadCallback(this::handleRead); // the Channel calls us back
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
    private void handleRead() {
        if (spare == null && (spare = openSpare()) == null) {
            // No reserve, and no descriptor to make one: an accept now could only fill the
            // last slot, and leave nothing to refuse the next client with.
            beginEpisode();
            pauseAccepting();
            return;
        }
        try {
            // Accept every waiting connection, not just one: one wakeup, many clients.
            for (Socket client = socket.accept(); client != null; client = socket.accept()) {
                failing = false;
                if (outOfDescriptors) {
                    outOfDescriptors = false;
                    System.err.println("accepting again after refusing " + refusedThisEpisode + " clients");
                }
                try {
                    newConnectionCallback.accept(client);
                } catch (RuntimeException e) { // a bug over there costs this client, not the listener
                    System.err.println("refusing " + client + ": callback failed: " + e);
                    client.close();
                }
            }
        } catch (IOException e) {
            // Most likely no descriptor for the client (EMFILE for this process, ENFILE for the
            // system). NIO says which only in the message, in the words of the locale: so try
            // the one thing that helps then, and see whether it does.
            refuseOneClient(e);
        }
    }

    /**
     * Frees the spare descriptor, accepts the waiting client with it, closes the client, takes
     * the spare back. If even that accept fails, the error was not (only) about descriptors:
     * pause for a while instead of failing again at every select.
     */
    private void refuseOneClient(IOException first) {
        closeSpare();
        try {
            Socket client = socket.accept();
            if (client != null) {
                beginEpisode();
                client.close(); // the client sees its connection closed at once instead of hanging
                refusedThisEpisode++;
            }
        } catch (IOException e) {
            // Something else is wrong, or some thread took the freed descriptor (the JVM's own
            // do, now and then): either way, the next try comes after a pause.
            if (!failing) {
                failing = true;
                System.err.println("accept failed: " + first.getMessage() + "; trying again every " + PAUSE_MILLIS + " ms");
            }
            pauseAccepting();
        } finally {
            spare = openSpare();
        }
    }

    private void beginEpisode() {
        if (!outOfDescriptors) {
            outOfDescriptors = true;
            refusedThisEpisode = 0;
            System.err.println("out of file descriptors: refusing new clients until some close");
        }
    }

    /**
     * Stops asking for OP_ACCEPT and lets the loop retry after a pause: the waiting clients
     * stay in the kernel's queue meanwhile, but the loop sleeps instead of spinning.
     */
    private void pauseAccepting() {
        try {
            channel.disableReading();
            paused = true;
            loop.setTimeoutCallback(PAUSE_MILLIS, this::resumeAccepting);
        } catch (IOException e) {
            System.err.println("cannot pause accepting: " + e.getMessage());
        }
    }

    /** Called back when the loop has slept: listen again; handleRead() first takes the reserve back. */
    private void resumeAccepting() {
        if (!paused) {
            return;
        }
        paused = false;
        loop.setTimeoutCallback(0, () -> { });
        try {
            channel.enableReading();
        } catch (IOException e) {
            System.err.println("cannot resume accepting: " + e.getMessage());
        }
    }

    private static DatagramChannel openSpare() {
        try {
            return DatagramChannel.open();
        } catch (IOException e) {
            return null; // still none to spare: handleRead() pauses and tries again
        }
    }

    private void closeSpare() {
        try {
            spare.close();
        } catch (IOException e) {
            // Nothing to recover: the descriptor is released even when close reports an error.
        }
        spare = null;
    }

    /** Where we listen, with the real port. */
    InetAddress address() {
        return socket.address();
    }

    /** Stops listening, and gives back the spare: the Acceptor owns both. */
    @Override
    public void close() {
        paused = false; // a closed Acceptor never resumes
        socket.close();
        if (spare != null) {
            closeSpare();
        }
    }
}
