package course.reactor;

import course.toolkit.Frames;
import course.toolkit.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
     * Sends {@code count} copies of a command in one write: one segment on loopback, so once the
     * server has read the first, it has them all.
     */
    void sendInOneWrite(String command, int count) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            frames.write(Frames.encode(command.getBytes(StandardCharsets.UTF_8)));
        }
        client.send(frames.toByteArray());
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
