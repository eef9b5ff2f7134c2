package course.toolkit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain blocking TCP client for tests. Every read has a timeout, so a server that stops
 * answering fails the test instead of hanging it.
 */
public final class TestClient implements AutoCloseable {
    /** Up to this size a payload is written before reading; the socket buffers hold it all. */
    private static final int WRITE_THEN_READ_LIMIT = 32 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private TestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static TestClient connect(String host, int port) throws IOException {
        return connect(host, port, Await.DEFAULT_TIMEOUT);
    }

    public static TestClient connect(String host, int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), (int) readTimeout.toMillis());
            return new TestClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads exactly n bytes; fails if the server closes first or sends nothing for the timeout. */
    public byte[] receive(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("server closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /**
     * Sends a payload and returns the same number of bytes read back. A large payload is written
     * by a second thread while this one reads: an echo server sends back while we still send, and
     * a client that only reads after writing everything would deadlock once both directions'
     * socket buffers are full.
     */
    public byte[] echo(byte[] payload) throws IOException {
        if (payload.length <= WRITE_THEN_READ_LIMIT) {
            send(payload);
            return receive(payload.length);
        }
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                send(payload);
            } catch (IOException e) {
                writeFailure.set(e);
            }
        }, "test-client-writer");
        writer.start();
        try {
            return receive(payload.length);
        } finally {
            joinUninterruptibly(writer);
            if (writeFailure.get() != null) {
                throw writeFailure.get();
            }
        }
    }

    /** Sends one frame of the course's protocol: a 4-byte big-endian length, then the body. */
    public void sendFrame(byte[] body) throws IOException {
        send(Frames.encode(body));
    }

    /** Reads one frame and returns its body. */
    public byte[] receiveFrame() throws IOException {
        int length = Frames.length(receive(Frames.HEADER_BYTES));
        return receive(length);
    }

    /** Sends a frame and returns the body of the frame that comes back. */
    public byte[] echoFrame(byte[] body) throws IOException {
        byte[] reply = echo(Frames.encode(body));
        return Arrays.copyOfRange(reply, Frames.HEADER_BYTES, reply.length);
    }

    /** Half-close: sends FIN, so the server reads end of stream, while we can still read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** True once the server has closed the connection (read returns -1) within the timeout. */
    public boolean awaitEof() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset also means the server closed the connection.
            return true;
        }
    }

    /** Closes abruptly: SO_LINGER 0 makes close send RST instead of FIN, discarding unsent data. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
