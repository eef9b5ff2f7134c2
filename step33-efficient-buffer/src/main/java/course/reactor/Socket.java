package course.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP socket, listening or connected: the course's Socket. Java has two types where C has one
 * descriptor, so this wraps a {@link ServerSocketChannel} when listening and a
 * {@link SocketChannel} when connected. Either way it is non-blocking, and closing it is its job.
 */
final class Socket implements AutoCloseable {
    /** Connections the kernel may queue before we accept them; Java's default is only 50. */
    private static final int BACKLOG = 1024;

    private final SelectableChannel channel;
    /** Where we listen, for a listening socket; who the peer is, for a connected one. */
    private final InetAddress address;

    private Socket(SelectableChannel channel, InetAddress address) {
        this.channel = channel;
        this.address = address;
    }

    /** socket() + setsockopt() + bind() + listen(), non-blocking. Port 0 picks a free port. */
    static Socket listen(InetAddress address) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            // Rebind at once after a restart, even while old connections sit in TIME_WAIT.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address.socketAddress(), BACKLOG);
            listener.configureBlocking(false); // a Selector only takes non-blocking channels
            return new Socket(listener, new InetAddress((InetSocketAddress) listener.getLocalAddress()));
        } catch (IOException | RuntimeException e) {
            listener.close(); // never leak the descriptor of a half-made socket
            throw e;
        }
    }

    /** The next waiting connection, non-blocking and with TCP_NODELAY; null when none is waiting. */
    Socket accept() throws IOException {
        SocketChannel client = ((ServerSocketChannel) channel).accept();
        if (client == null) {
            return null;
        }
        try {
            client.configureBlocking(false);
            // Send small writes at once instead of waiting to coalesce them (Nagle).
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new Socket(client, new InetAddress((InetSocketAddress) client.getRemoteAddress()));
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Bytes read; 0 when nothing is waiting (EAGAIN); -1 at end of stream (the peer closed). */
    int read(ByteBuffer destination) throws IOException {
        return ((SocketChannel) channel).read(destination);
    }

    /** Bytes written, possibly fewer than asked (0 when the kernel's send buffer is full). */
    int write(ByteBuffer source) throws IOException {
        return ((SocketChannel) channel).write(source);
    }

    boolean isListening() {
        return channel instanceof ServerSocketChannel;
    }

    SelectableChannel channel() {
        return channel;
    }

    InetAddress address() {
        return address;
    }

    /** Sends FIN: the peer reads to the end of what we wrote, then end of stream. We may still read. */
    void shutdownOutput() throws IOException {
        ((SocketChannel) channel).shutdownOutput();
    }

    /** Closes the descriptor; a selector watching it forgets it at its next select. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to recover: the descriptor is released even when close reports an error.
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
