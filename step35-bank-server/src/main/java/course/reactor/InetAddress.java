package course.reactor;

import java.net.InetSocketAddress;

/**
 * An IP address and a port: the course's InetAddress, a thin wrapper of
 * {@link java.net.InetSocketAddress} (not of {@code java.net.InetAddress}, which has no port).
 */
final class InetAddress {
    private final InetSocketAddress address;

    /** Resolves {@code host} now, so a bad name fails here with a clear message, not later in bind. */
    InetAddress(String host, int port) {
        this(new InetSocketAddress(host, port));
    }

    InetAddress(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unknown host " + address.getHostString());
        }
        this.address = address;
    }

    /** The numeric address, e.g. {@code 127.0.0.1}. */
    String ip() {
        return address.getAddress().getHostAddress();
    }

    int port() {
        return address.getPort();
    }

    /** The JDK's form, for the channel calls that take one. */
    InetSocketAddress socketAddress() {
        return address;
    }

    @Override
    public String toString() {
        return ip() + ":" + port();
    }
}
