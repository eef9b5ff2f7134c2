package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    @Test
    void defaultsToLoopbackAndTheDocumentedPort() {
        ServerOptions options = ServerOptions.parse();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(5005);
        assertThat(options.maxFrame()).as("a command line is short").isEqualTo(1024);
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

    @Test
    void takesTheNumberOfIoThreadsDefaultingToTheProcessors() {
        assertThat(ServerOptions.parse().ioThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ServerOptions.parse("--io-threads", "3").ioThreads()).isEqualTo(3);
        assertThatThrownBy(() -> ServerOptions.parse("--io-threads", "0")).hasMessageStartingWith("bad --io-threads 0");
    }

    @Test
    void takesWorkersButNeverZero() {
        assertThat(ServerOptions.parse().workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ServerOptions.parse("--workers", "3").workers()).isEqualTo(3);
        assertThatThrownBy(() -> ServerOptions.parse("--workers", "0")).hasMessage("bad --workers 0 (expected a positive number)");
    }

    @Test
    void takesALoginTimeoutThirtySecondsByDefaultNeverZero() {
        assertThat(ServerOptions.parse().loginTimeoutSeconds()).isEqualTo(30);
        assertThat(ServerOptions.parse("--login-timeout", "5").loginTimeoutSeconds()).isEqualTo(5);
        assertThatThrownBy(() -> ServerOptions.parse("--login-timeout", "0")).hasMessageStartingWith("bad --login-timeout 0");
    }

    @Test
    void takesAConnectionLimitTenThousandByDefault() {
        assertThat(ServerOptions.parse().maxConnections()).isEqualTo(10_000);
        assertThat(ServerOptions.parse("--max-connections", "50").maxConnections()).isEqualTo(50);
        assertThatThrownBy(() -> ServerOptions.parse("--max-connections", "-1")).hasMessageStartingWith("bad --max-connections -1");
    }

    @Test
    void takesAnIdleTimeoutInSecondsOffByDefault() {
        assertThat(ServerOptions.parse().idleTimeoutSeconds()).isZero();
        assertThat(ServerOptions.parse("--idle-timeout", "30").idleTimeoutSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> ServerOptions.parse("--idle-timeout", "soon")).hasMessageStartingWith("bad --idle-timeout soon");
    }

    @Test
    void takesAShutdownTimeoutInSecondsTenByDefault() {
        assertThat(ServerOptions.parse().shutdownTimeoutSeconds()).isEqualTo(10);
        assertThat(ServerOptions.parse("--shutdown-timeout", "0").shutdownTimeoutSeconds()).isZero();
        assertThat(ServerOptions.parse("--shutdown-timeout", "3").shutdownTimeoutSeconds()).isEqualTo(3);
        assertThatThrownBy(() -> ServerOptions.parse("--shutdown-timeout", "-1"))
                .hasMessage("bad --shutdown-timeout -1 (expected 0 or more)");
    }

    @Test
    void takesAnAccountsFileAndADataDirectoryNoneByDefaultAndThenServesTheDemo() {
        assertThat(ServerOptions.parse().accountsFile()).isNull();
        assertThat(ServerOptions.parse().dataDir()).isNull();
        assertThat(ServerOptions.parse().demo()).isTrue();
        ServerOptions options = ServerOptions.parse("--accounts", "bank.txt", "--data", "/var/bank");
        assertThat(options.accountsFile()).isEqualTo(Path.of("bank.txt"));
        assertThat(options.dataDir()).isEqualTo(Path.of("/var/bank"));
        assertThat(options.demo()).isFalse();
        assertThatThrownBy(() -> ServerOptions.parse("--data")).hasMessage("--data needs a value");
    }

    @Test
    void keepsTheDemoAccountsAwayFromADataDirectoryUnlessAskedFor() {
        assertThatThrownBy(() -> ServerOptions.parse("--data", "d"))
                .hasMessage("--data needs --accounts FILE (or --demo, for the demo accounts)");
        assertThat(ServerOptions.parse("--data", "d", "--demo").demo()).isTrue();
        assertThatThrownBy(() -> ServerOptions.parse("--demo", "--accounts", "a.txt"))
                .hasMessage("--demo and --accounts: the bank has one set of accounts");
    }
}
