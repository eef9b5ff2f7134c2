package course.reactor.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The peer a Java developer of 2026 may write instead of a reactor: blocking code, one virtual
 * thread per connection. Each thread reads a frame, writes it back, and flushes when nothing more
 * is waiting to be read (so pipelined frames leave in one write, as Netty's flush per read round
 * does). The JDK parks a virtual thread that blocks in a socket read and runs another on the same
 * carrier thread; underneath, its poller is an epoll loop, so this is a reactor written for you.
 *
 * <p>The module builds for Java 17, where {@code Executors.newVirtualThreadPerTaskExecutor()} does
 * not exist. That one call is made by reflection, so the class compiles at release 17 and runs on a
 * JDK 21 or newer; everything else is plain Java. A second compilation at release 21 would fail on
 * the JDK 17 the course builds with, and a multi-release jar is build machinery for one line.
 *
 * <p>usage: VirtualThreadEchoServer HOST PORT (run it with a JDK 21 or newer)
 */
public final class VirtualThreadEchoServer {
    private static final int MAX_FRAME = 1 << 20;

    private VirtualThreadEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: VirtualThreadEchoServer HOST PORT");
            System.exit(2);
        }
        ExecutorService threads = virtualThreadPerTask();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 1024);
            System.out.println("listening on " + args[0] + ":" + listener.getLocalPort());
            while (true) {
                Socket socket = listener.accept();
                threads.execute(() -> serve(socket));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, which a Java 17 compiler does not know. */
    static ExecutorService virtualThreadPerTask() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("virtual threads need a JDK 21 or newer; this is "
                    + Runtime.version(), e);
        }
    }

    /** Echoes frames until the client hangs up or sends a frame length outside 0..MAX_FRAME. */
    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] payload = new byte[0];
            while (true) {
                int length = in.readInt();
                if (length < 0 || length > MAX_FRAME) {
                    return; // a hostile or broken client loses its connection, nobody else does
                }
                if (payload.length < length) {
                    payload = new byte[length];
                }
                in.readFully(payload, 0, length);
                out.writeInt(length);
                out.write(payload, 0, length);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // the client hung up between frames (or in one: it is gone either way)
        } catch (IOException e) {
            // reset by the client: its connection ends, the server goes on
        }
    }
}
