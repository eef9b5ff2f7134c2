package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The business logic alone: strings in, strings out, and the session they change. No socket. */
class BankProtocolTest {
    private final Ledger ledger = TestBank.ledger("alice", "bob");
    private final BankProtocol protocol = new BankProtocol(ledger);
    private final Session session = new Session("test");

    @Test
    void aLoginRemembersTheUserInTheSession() {
        assertThat(protocol.handle(session, "LOGIN alice nope")).isEqualTo("ERR AUTH bad user or password");
        assertThat(session.isLoggedIn()).isFalse();
        assertThat(protocol.handle(session, "LOGIN alice alice-secret")).isEqualTo("OK welcome alice");
        assertThat(session.user()).isEqualTo("alice");
    }

    @Test
    void logoutEndsTheSession() {
        protocol.handle(session, "LOGIN bob bob-secret");
        assertThat(protocol.handle(session, "LOGOUT")).isEqualTo("OK bye");
        assertThat(session.isOver()).isTrue();
        assertThat(session.isLoggedIn()).isFalse();
    }

    @Test
    void aTransferIsFromTheLoggedInUser() throws Exception {
        protocol.handle(session, "LOGIN bob bob-secret");
        assertThat(protocol.handle(session, "  TRANSFER   alice  40000 ")).as("spaces around words do not matter")
                .isEqualTo("OK 60000");
        assertThat(ledger.balance("alice")).isEqualTo(140_000);
    }

    @Test
    void theLoginCheckComesBeforeTheArgumentCheckAndAnUnknownCommandBeforeBoth() {
        assertThat(protocol.handle(session, "TRANSFER")).isEqualTo("ERR LOGIN login first");
        assertThat(protocol.handle(session, "DEPOSIT 5")).startsWith("ERR UNKNOWN no command DEPOSIT;");
        assertThat(protocol.handle(session, "HEARTBEAT now")).isEqualTo("ERR ARG usage: HEARTBEAT");
    }

    @Test
    void amountsAreDigitsOnlyAndAtMostEighteenOfThem() {
        protocol.handle(session, "LOGIN alice alice-secret");
        for (String amount : new String[] {"+5", "1e3", "0x10", "9999999999999999999", "１２"}) {
            assertThat(protocol.handle(session, "TRANSFER bob " + amount)).as(amount).startsWith("ERR ARG");
        }
        assertThat(protocol.handle(session, "TRANSFER bob 999999999999999999")).startsWith("ERR FUNDS");
    }

    @Test
    void aLongUnknownWordIsCutInTheReply() {
        String word = "X".repeat(1000);
        assertThat(protocol.handle(session, word.getBytes(StandardCharsets.UTF_8)))
                .startsWith("ERR UNKNOWN no command " + "X".repeat(20) + ";");
    }
}
