package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class InetAddressTest {
    @Test
    void printsAsIpColonPort() {
        InetAddress address = new InetAddress("127.0.0.1", 5005);

        assertThat(address.ip()).isEqualTo("127.0.0.1");
        assertThat(address.port()).isEqualTo(5005);
        assertThat(address).hasToString("127.0.0.1:5005");
    }

    @Test
    void wrapsTheJdkAddressItWasGiven() {
        InetSocketAddress jdk = new InetSocketAddress("127.0.0.2", 4242);

        assertThat(new InetAddress(jdk).socketAddress()).isSameAs(jdk);
        assertThat(new InetAddress(jdk)).hasToString("127.0.0.2:4242");
    }

    @Test
    void refusesAnAddressThatWasNeverResolved() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 80);

        assertThatThrownBy(() -> new InetAddress(unresolved))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown host example.invalid");
    }
}
