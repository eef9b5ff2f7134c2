package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    private static final int MIB = 1 << 20;

    @Test
    void defaultsToLoopbackAndTheDocumentedPort() {
        assertThat(ServerOptions.parse()).isEqualTo(new ServerOptions("127.0.0.1", 5005, MIB));
    }

    @Test
    void takesHostThenPort() {
        assertThat(ServerOptions.parse("0.0.0.0", "0")).isEqualTo(new ServerOptions("0.0.0.0", 0, MIB));
    }

    @Test
    void takesASingleNumberAsThePortAndAnythingElseAsTheHost() {
        assertThat(ServerOptions.parse("6000")).isEqualTo(new ServerOptions("127.0.0.1", 6000, MIB));
        assertThat(ServerOptions.parse("localhost")).isEqualTo(new ServerOptions("localhost", 5005, MIB));
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
        assertThat(ServerOptions.parse("--max-frame", "100", "7000")).isEqualTo(new ServerOptions("127.0.0.1", 7000, 100));
        assertThat(ServerOptions.parse("0", "--max-frame", "64")).isEqualTo(new ServerOptions("127.0.0.1", 0, 64));
    }

    @Test
    void rejectsAMissingOrNonPositiveLargestFrame() {
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame")).hasMessage("--max-frame needs a value");
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame", "0")).hasMessageStartingWith("bad --max-frame 0");
        assertThatThrownBy(() -> ServerOptions.parse("--max-frame", "lots")).hasMessageStartingWith("bad --max-frame lots");
    }
}
