package course.reactor;

import course.toolkit.Frames;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A bank customer for tests: one command out as a frame, one reply line back. */
final class BankClient implements AutoCloseable {
    private final TestClient client;

    private BankClient(TestClient client) {
        this.client = client;
    }

    static BankClient connect(int port) throws IOException {
        return new BankClient(TestClient.connect("127.0.0.1", port));
    }

    static BankClient connect(TestClient client) {
        return new BankClient(client);
    }

    /** Sends the command and returns the reply. */
    String command(String command) throws IOException {
        send(command);
        return reply();
    }

    void send(String command) throws IOException {
        client.sendFrame(command.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the commands in one write: one segment on loopback (up to 64 KiB), so once the server
     * has read the first, it has them all.
     */
    void sendInOneWrite(List<String> commands) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String command : commands) {
            frames.write(Frames.encode(command.getBytes(StandardCharsets.UTF_8)));
        }
        client.send(frames.toByteArray());
    }

    /** {@code count} transfers of {@code cents} to {@code to}, with the ids prefix-1, prefix-2, ... */
    static List<String> transfers(String prefix, String to, long cents, int count) {
        List<String> commands = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            commands.add("TRANSFER " + prefix + "-" + i + " " + to + " " + cents);
        }
        return commands;
    }

    String reply() throws IOException {
        return new String(client.receiveFrame(), StandardCharsets.UTF_8);
    }

    /** Logs in as one of the demo users, whose password is the name plus "-secret". */
    BankClient loginAs(String user) throws IOException {
        String reply = command("LOGIN " + user + " " + user + "-secret");
        if (!reply.equals("OK welcome " + user)) {
            throw new AssertionError("cannot log in as " + user + ": " + reply);
        }
        return this;
    }

    /** The connection underneath, for raw bytes and end of stream. */
    TestClient raw() {
        return client;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
