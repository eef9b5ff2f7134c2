package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    @Test
    void defaultsToLoopbackAndTheDocumentedPort() {
        assertThat(ServerOptions.parse()).isEqualTo(new ServerOptions("127.0.0.1", 5005));
    }

    @Test
    void takesHostThenPort() {
        assertThat(ServerOptions.parse("0.0.0.0", "0")).isEqualTo(new ServerOptions("0.0.0.0", 0));
    }

    @Test
    void takesASingleNumberAsThePortAndAnythingElseAsTheHost() {
        assertThat(ServerOptions.parse("6000")).isEqualTo(new ServerOptions("127.0.0.1", 6000));
        assertThat(ServerOptions.parse("localhost")).isEqualTo(new ServerOptions("localhost", 5005));
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
}
