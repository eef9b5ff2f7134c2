package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    @Test
    void defaultsToLoopbackAndTheDocumentedPort() {
        ServerOptions options = ServerOptions.parse();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(5005);
        assertThat(options.maxFrame()).isEqualTo(1 << 20);
    }

    @Test
    void takesHostThenPort() {
        ServerOptions options = ServerOptions.parse("0.0.0.0", "0");
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isZero();
    }

    @Test
    void takesASingleNumberAsThePortAndAnythingElseAsTheHost() {
        assertThat(ServerOptions.parse("6000").port()).isEqualTo(6000);
        assertThat(ServerOptions.parse("6000").host()).isEqualTo("127.0.0.1");
        assertThat(ServerOptions.parse("localhost").host()).isEqualTo("localhost");
        assertThat(ServerOptions.parse("localhost").port()).isEqualTo(5005);
    }

    @Test
    void rejectsPortsOutsideTheValidRange() {
        assertThatThrownBy(() -> ServerOptions.parse("127.0.0.1", "65536")).hasMessage("bad port 65536 (expected 0-65535)");
        assertThatThrownBy(() -> ServerOptions.parse("127.0.0.1", "-1")).hasMessageStartingWith("bad port -1");
        assertThatThrownBy(() -> ServerOptions.parse("127.0.0.1", "http")).hasMessageStartingWith("bad port http");
    }

    @Test
    void rejectsUnknownOptionsAndExtraArguments() {
        assertThatThrownBy(() -> ServerOptions.parse("--verbose")).hasMessage("unknown option --verbose");
        assertThatThrownBy(() -> ServerOptions.parse("a", "1", "b")).hasMessageStartingWith("too many arguments");
    }

    @Test
    void takesTheLargestFrameAnywhereOnTheLine() {
        ServerOptions before = ServerOptions.parse("--max-frame", "100", "7000");
        assertThat(before.maxFrame()).isEqualTo(100);
        assertThat(before.port()).isEqualTo(7000);
        assertThat(ServerOptions.parse("0", "--max-frame", "64").maxFrame()).isEqualTo(64);
    }

    @Test
    void rejectsAMissingOrNonPositiveLargestFrame() {
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame")).hasMessage("--max-frame needs a value");
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame", "0")).hasMessageStartingWith("bad --max-frame 0");
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame", "lots")).hasMessageStartingWith("bad --max-frame lots");
        assertThat(ServerOptions.parse("--max-frame", "67108864").maxFrame()).isEqualTo(64 << 20);
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame", "67108865")).hasMessageStartingWith("bad --max-frame 67108865");
    }
}
