package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The business logic alone: strings in, strings out, and the session they change. No socket; a fake clock. */
class BankProtocolTest {
    private final Ledger ledger = TestBank.ledger("alice", "bob");
    private final AtomicLong fakeNanos = new AtomicLong();
    private final BankProtocol protocol = new BankProtocol(ledger, new LoginThrottle(fakeNanos::get));
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
        assertThat(protocol.handle(session, "  TRANSFER  t-1  alice  40000 ")).as("spaces around words do not matter")
                .isEqualTo("OK 60000");
        assertThat(ledger.balance("alice")).isEqualTo(140_000);
    }

    @Test
    void statusTellsWhatBecameOfAnId() {
        protocol.handle(session, "LOGIN alice alice-secret");
        assertThat(protocol.handle(session, "STATUS rent")).isEqualTo("OK NONE");
        assertThat(protocol.handle(session, "TRANSFER rent bob 2500")).isEqualTo("OK 97500");
        assertThat(protocol.handle(session, "TRANSFER car bob 999999")).isEqualTo("ERR FUNDS balance 97500 is less than 999999");
        assertThat(protocol.handle(session, "STATUS rent")).isEqualTo("OK MADE bob 2500");
        assertThat(protocol.handle(session, "STATUS car")).isEqualTo("OK REFUSED bob 999999");
        assertThat(protocol.handle(session, "STATUS no/such")).startsWith("ERR ARG an id is 1 to 64 letters");
    }

    @Test
    void aReplyThatReadsTheMoneyRemembersTheLastDecisionItMayHaveSeenAndNoOtherReplyDoes() throws Exception {
        try (JournaledLedger books = new JournaledLedger("alice", "bob")) {
            BankProtocol bank = new BankProtocol(books.ledger, new LoginThrottle(fakeNanos::get));
            Session alice = new Session("alice's");
            Session bob = new Session("bob's");
            bank.handle(alice, "LOGIN alice alice-secret");
            bank.handle(bob, "LOGIN bob bob-secret");
            assertThat(alice.seen()).as("a login reads no money").isZero();
            bank.handle(alice, "TRANSFER t-1 bob 5");
            assertThat(alice.seen()).isEqualTo(1);
            bank.handle(alice, "TRANSFER t-2 bob 999999999"); // refused for want of funds: a decision too
            assertThat(alice.seen()).isEqualTo(2);
            bank.handle(bob, "BALANCE");
            assertThat(bob.seen()).as("alice's transfers are in bob's balance").isEqualTo(2);
            books.ledger.transfer(new Transfer("bob", "x", "alice", 1)); // decision 3
            bank.handle(alice, "HEARTBEAT");
            assertThat(alice.seen()).as("a heartbeat reads no money").isEqualTo(2);
            bank.handle(alice, "STATUS t-1");
            assertThat(alice.seen()).isEqualTo(3);
        }
    }

    @Test
    void anIdIsShortAndPlain() {
        protocol.handle(session, "LOGIN alice alice-secret");
        for (String id : new String[] {"x".repeat(65), "a/b", "tr\u00e9s", "a\"b", "a@b", "[", "`", "{", "a;b"}) {
            assertThat(protocol.handle(session, "TRANSFER " + id + " bob 1")).as(id)
                    .isEqualTo("ERR ARG an id is 1 to 64 letters, digits, '.', '_', ':' or '-'");
        }
        assertThat(protocol.handle(session, "TRANSFER " + "x".repeat(64) + " bob 1")).isEqualTo("OK 99999");
        assertThat(protocol.handle(session, "TRANSFER 2024-05-01T10:00_a.b bob 1")).isEqualTo("OK 99998");
    }

    @Test
    void theLoginCheckComesBeforeTheArgumentCheckAndAnUnknownCommandBeforeBoth() {
        assertThat(protocol.handle(session, "TRANSFER")).isEqualTo("ERR LOGIN login first");
        assertThat(protocol.handle(session, "STATUS x")).isEqualTo("ERR LOGIN login first");
        assertThat(protocol.handle(session, "DEPOSIT 5")).startsWith("ERR UNKNOWN no command DEPOSIT;");
        assertThat(protocol.handle(session, "HEARTBEAT now")).isEqualTo("ERR ARG usage: HEARTBEAT");
        protocol.handle(session, "LOGIN alice alice-secret");
        assertThat(protocol.handle(session, "TRANSFER bob 5")).as("the old form, without an id")
                .isEqualTo("ERR ARG usage: TRANSFER <id> <to-user> <cents>");
    }

    @Test
    void amountsAreDigitsOnlyAndAtMostEighteenOfThem() {
        protocol.handle(session, "LOGIN alice alice-secret");
        for (String amount : new String[] {"+5", "1e3", "0x10", "9999999999999999999", "１２"}) {
            assertThat(protocol.handle(session, "TRANSFER t-1 bob " + amount)).as(amount).startsWith("ERR ARG");
        }
        assertThat(protocol.handle(session, "TRANSFER t-1 bob 999999999999999999")).startsWith("ERR FUNDS");
    }

    @Test
    void aLongUnknownWordIsCutInTheReply() {
        String word = "X".repeat(1000);
        assertThat(protocol.handle(session, BankProtocol.decode(word.getBytes(StandardCharsets.UTF_8))))
                .startsWith("ERR UNKNOWN no command " + "X".repeat(20) + ";");
    }

    @Test
    void aCommandSplitsIntoWordsAsTheRegexWouldSplitIt() {
        List<String> commands = List.of("", "   ", "BALANCE", " TRANSFER  t-1\tbob \r\n 5 ", "a\u000Bb\fc",
                "a\u2003b", "\u2003a b\u2003", "a\u001Cb", "\u001C a", "é  ü");
        for (String command : commands) {
            assertThat(BankProtocol.words(command)).as("%s", command.codePoints().boxed().toList())
                    .containsExactly(command.strip().split("\\s+"));
        }
    }

    @Test
    void onlyAHeartbeatIsAnsweredWithoutAWorker() {
        assertThat(BankProtocol.isHeartbeat("HEARTBEAT")).isTrue();
        assertThat(BankProtocol.isHeartbeat("  heartbeat ")).isTrue();
        assertThat(BankProtocol.isHeartbeat("HEARTBEAT now")).as("answered ERR ARG, as cheaply").isTrue();
        assertThat(BankProtocol.isHeartbeat("HEARTBEATS")).isFalse();
        assertThat(BankProtocol.isHeartbeat("BALANCE")).isFalse();
        assertThat(BankProtocol.isHeartbeat(null)).as("not UTF-8").isFalse();
    }

    @Test
    void theThirdFailedLoginOfAConnectionIsItsLast() {
        assertThat(protocol.handle(session, "LOGIN alice a")).isEqualTo("ERR AUTH bad user or password");
        assertThat(protocol.handle(session, "LOGIN bob b")).isEqualTo("ERR AUTH bad user or password");
        assertThat(session.isOver()).isFalse();
        assertThat(protocol.handle(session, "LOGIN carol c"))
                .isEqualTo("ERR AUTH bad user or password; 3 failed logins, closing the connection");
        assertThat(session.isOver()).as("the connection closes after this reply").isTrue();
    }

    @Test
    void afterThreeFailuresANameMustWaitLongerEachTimeWhateverItsConnection() {
        for (int i = 0; i < 3; i++) { // three connections, one guess each
            assertThat(protocol.handle(new Session("guesser-" + i), "LOGIN alice guess" + i))
                    .isEqualTo("ERR AUTH bad user or password");
        }
        Session owner = new Session("owner");
        assertThat(protocol.handle(owner, "LOGIN alice alice-secret")).as("refused unchecked, even the right password")
                .isEqualTo("ERR AUTH too many failed logins for this name; try again in 1 s");
        fakeNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(protocol.handle(owner, "LOGIN alice guess")).isEqualTo("ERR AUTH too many failed logins for this name; try again in 1 s");
        fakeNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(protocol.handle(new Session("guesser"), "LOGIN alice guess4")).isEqualTo("ERR AUTH bad user or password");
        assertThat(protocol.handle(new Session("guesser"), "LOGIN alice guess5"))
                .isEqualTo("ERR AUTH too many failed logins for this name; try again in 2 s");
        fakeNanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(protocol.handle(new Session("owner again"), "LOGIN alice alice-secret")).isEqualTo("OK welcome alice");
        assertThat(protocol.handle(new Session("after"), "LOGIN alice wrong")).as("a success forgets the failures")
                .isEqualTo("ERR AUTH bad user or password");
        assertThat(protocol.handle(new Session("bob"), "LOGIN bob bob-secret")).as("other names are not held up")
                .isEqualTo("OK welcome bob");
    }

    @Test
    void theDelayDoublesUpToAMinute() {
        assertThat(List.of(3, 4, 5, 6, 7, 8, 9, 50).stream().map(count -> LoginThrottle.delay(count).toSeconds()).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
    }

    @Test
    void aNameWithoutAnAccountGetsExactlyTheAnswersAKnownOneGets() {
        List<String> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            known.add(protocol.handle(new Session("a" + i), "LOGIN alice guess"));
            unknown.add(protocol.handle(new Session("m" + i), "LOGIN mallory guess"));
        }
        assertThat(known).as("a guesser learns nothing about who has an account").isEqualTo(unknown)
                .contains("ERR AUTH bad user or password", "ERR AUTH too many failed logins for this name; try again in 1 s");
    }

    @Test
    void aSessionMayTryTenUnknownPayeesThenItIsClosed() {
        protocol.handle(session, "LOGIN alice alice-secret");
        for (int i = 1; i < 10; i++) {
            assertThat(protocol.handle(session, "TRANSFER t-" + i + " user" + i + " 1")).isEqualTo("ERR ACCOUNT no such account: user" + i);
        }
        assertThat(protocol.handle(session, "TRANSFER t-1 bob 1")).as("a known payee").isEqualTo("OK 99999");
        assertThat(session.isOver()).isFalse();
        assertThat(protocol.handle(session, "TRANSFER t-10 user10 1"))
                .isEqualTo("ERR ACCOUNT no such account: user10; 10 unknown payees, closing the connection");
        assertThat(session.isOver()).isTrue();
    }
}
