package course.toolkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The learner's client: {@code ./lesson client [HOST] PORT [--framed | --text] [--file PATH]}.
 *
 * <p>Without {@code --file} it sends every line typed on stdin and prints whatever comes back;
 * end of input (Ctrl-D) half-closes the connection and the client waits for the server to close.
 * With {@code --file} it sends the file, reads back as many bytes and says whether they match.
 * With {@code --framed} (lessons 19 on) each line, or the file, goes out as one message of the
 * course's protocol (4-byte big-endian length, then the body) and each reply is printed as a line.
 * With {@code --text} (lesson 35's bank) it is a conversation: each line typed is one framed
 * command, and the client waits for its one-line reply before it reads the next line.
 */
public final class LessonClient {
    static final String USAGE = """
            usage: ./lesson client [HOST] PORT [--framed | --text] [--file PATH]
              HOST         server address (default 127.0.0.1)
              PORT         server port
              --framed     speak the length-prefixed protocol of lessons 19 on
              --text       a command per line, framed; wait for each reply (lesson 35)
              --file PATH  send this file and check that the same bytes come back
              --help       print this help and exit""";

    private LessonClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        String host = "127.0.0.1";
        int port;
        Path file = null;
        boolean framed = false;
        boolean text = false;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--file")) {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("--file needs a PATH");
                    }
                    file = Path.of(args[++i]);
                } else if (args[i].equals("--framed")) {
                    framed = true;
                } else if (args[i].equals("--text")) {
                    text = true;
                } else if (args[i].startsWith("--")) {
                    throw new IllegalArgumentException("unknown option " + args[i]);
                } else {
                    positional.add(args[i]);
                }
            }
            if (positional.isEmpty() || positional.size() > 2) {
                throw new IllegalArgumentException("expected [HOST] PORT");
            }
            if (positional.size() == 2) {
                host = positional.get(0);
            }
            port = parsePort(positional.get(positional.size() - 1));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }

        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            if (file != null) {
                return sendFile(socket, Files.readAllBytes(file), framed || text, out);
            }
            if (text) {
                return converse(socket, stdin, out);
            }
            return talk(socket, stdin, out, framed);
        } catch (IOException e) {
            err.println("error: " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port " + text + " (expected 1-65535)");
    }

    /**
     * Lines from stdin go out; what the server sends is printed as it arrives. Framed, each line
     * is one message and each reply message is printed as a line.
     */
    private static int talk(Socket socket, InputStream stdin, PrintStream out, boolean framed) throws IOException {
        Thread printer = new Thread(() -> {
            if (framed) {
                printFrames(socket, out);
            } else {
                copy(socket, out);
            }
        }, "client-printer");
        printer.start();
        OutputStream toServer = socket.getOutputStream();
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            byte[] bytes = framed
                    ? Frames.encode(line.getBytes(StandardCharsets.UTF_8))
                    : (line + "\n").getBytes(StandardCharsets.UTF_8);
            toServer.write(bytes);
            toServer.flush();
        }
        socket.shutdownOutput(); // end of input: we are done sending, and wait for the server to close
        try {
            printer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * One command per line, each answered before the next is sent, so that replies line up with
     * what was typed. Blank lines and {@code #} comments are skipped: a file of commands can be
     * piped in. Ends at end of input, or when the server closes (after LOGOUT, or idle too long).
     */
    private static int converse(Socket socket, InputStream stdin, PrintStream out) throws IOException {
        OutputStream toServer = socket.getOutputStream();
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            byte[] reply;
            try {
                toServer.write(Frames.encode(line.strip().getBytes(StandardCharsets.UTF_8)));
                toServer.flush();
                reply = readFrame(socket.getInputStream());
            } catch (SocketException e) {
                reply = null; // a write or read after the server closed: a reset
            }
            if (reply == null) {
                out.println("[the server closed the connection]");
                return 0;
            }
            out.println(new String(reply, StandardCharsets.UTF_8));
        }
        return 0;
    }

    /** The next frame's body, or null at end of stream. */
    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] header = in.readNBytes(Frames.HEADER_BYTES);
        if (header.length < Frames.HEADER_BYTES) {
            return null;
        }
        byte[] body = in.readNBytes(Frames.length(header));
        return body.length < Frames.length(header) ? null : body;
    }

    private static void copy(Socket socket, PrintStream out) {
        try {
            InputStream fromServer = socket.getInputStream();
            byte[] chunk = new byte[8192];
            for (int n = fromServer.read(chunk); n != -1; n = fromServer.read(chunk)) {
                out.write(chunk, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            out.println("[connection ended: " + e.getMessage() + "]");
        }
    }

    private static void printFrames(Socket socket, PrintStream out) {
        try {
            InputStream fromServer = socket.getInputStream();
            for (byte[] body = readFrame(fromServer); body != null; body = readFrame(fromServer)) {
                out.println(new String(body, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            out.println("[connection ended: " + e.getMessage() + "]");
        }
    }

    private static int sendFile(Socket socket, byte[] contents, boolean framed, PrintStream out) throws IOException {
        byte[] sent = framed ? Frames.encode(contents) : contents;
        Thread writer = new Thread(() -> {
            try {
                socket.getOutputStream().write(sent);
            } catch (IOException e) {
                // the reader below sees the connection end and reports it
            }
        }, "client-writer");
        writer.start();
        socket.setSoTimeout(10_000);
        byte[] received = socket.getInputStream().readNBytes(sent.length);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean same = Arrays.equals(sent, received);
        out.println("sent " + sent.length + " bytes, received " + received.length + " bytes, "
                + (same ? "identical" : "DIFFERENT"));
        return same ? 0 : 1;
    }
}
