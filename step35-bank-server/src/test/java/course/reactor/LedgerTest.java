package course.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Balances in cents, transfers that are atomic, never deadlock, and reach the journal first. */
class LedgerTest {
    @Test
    void twoThreadsTransferringBackAndForthBetweenTheSameAccountsFinishAndKeepTheTotal() throws Exception {
        Ledger ledger = TestBank.ledger("alice", "bob");
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (String[] pair : new String[][] {{"alice", "bob"}, {"bob", "alice"}}) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 100_000; i++) {
                        ledger.transfer(pair[0], pair[1], 1);
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "transfers-" + pair[0]);
            threads.add(thread);
            thread.start();
        }
        go.countDown(); // both at once: with locks taken in the order of the call, this would deadlock
        for (Thread thread : threads) {
            thread.join(20_000);
            assertThat(thread.isAlive()).as(thread.getName() + " finished: no deadlock").isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(ledger.balance("alice")).isEqualTo(TestBank.OPENING_CENTS);
        assertThat(ledger.total()).isEqualTo(2 * TestBank.OPENING_CENTS);
    }

    @Test
    void aTransferIsRecordedBeforeTheBalancesChange() throws Exception {
        List<String> recorded = new ArrayList<>();
        Ledger[] ledger = new Ledger[1];
        ledger[0] = new Ledger(TestBank.accounts("alice", "bob"), (from, to, cents) -> {
            try {
                recorded.add(from + " " + to + " " + cents + " seen at " + ledger[0].balance(from));
            } catch (BankException e) {
                throw new IOException(e);
            }
        });
        assertThat(ledger[0].transfer("alice", "bob", 300)).isEqualTo(99_700);
        assertThat(recorded).containsExactly("alice bob 300 seen at 100000");
    }

    @Test
    void aRefusedTransferIsNotRecorded() {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (from, to, cents) -> recorded.add(from));
        assertThatThrownBy(() -> ledger.transfer("alice", "bob", 100_001)).isInstanceOf(BankException.class)
                .extracting(e -> ((BankException) e).code()).isEqualTo("FUNDS");
        assertThat(recorded).isEmpty();
    }

    @Test
    void aFailedJournalStopsEveryLaterTransferAndMovesNoMoney() throws Exception {
        int[] calls = new int[1];
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (from, to, cents) -> {
            calls[0]++;
            throw new IOException("No space left on device");
        });
        assertThatThrownBy(() -> ledger.transfer("alice", "bob", 1)).isInstanceOf(BankException.class)
                .hasMessage("the journal failed; this transfer may still be on disk (check BALANCE after a restart);"
                        + " no transfers until a restart")
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
        assertThatThrownBy(() -> ledger.transfer("bob", "alice", 1)).isInstanceOf(BankException.class)
                .hasMessage("the journal has failed; no transfers until a restart")
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
        assertThat(calls[0]).as("the second transfer does not even try").isEqualTo(1);
        assertThat(ledger.balance("alice")).isEqualTo(TestBank.OPENING_CENTS);
        assertThat(ledger.balance("bob")).isEqualTo(TestBank.OPENING_CENTS);
    }

    @Test
    void aJournalThatTookItsLineBackSaysTheTransferWasNotMadeAndStillRefusesTheNext() {
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (from, to, cents) -> {
            throw new Ledger.NotRecordedException("force failed, line cut off again");
        });
        assertThatThrownBy(() -> ledger.transfer("alice", "bob", 1))
                .hasMessage("the journal failed; this transfer was not made; no transfers until a restart");
        assertThatThrownBy(() -> ledger.transfer("alice", "bob", 1))
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void anAmountThatWouldOverflowTheReceiversBalanceIsRefusedAndNotRecorded() throws Exception {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(List.of(new Account("alice", "a", 100), new Account("bob", "b", Long.MAX_VALUE - 10)),
                (from, to, cents) -> recorded.add(from));
        assertThatThrownBy(() -> ledger.transfer("alice", "bob", 11)).isInstanceOf(BankException.class)
                .hasMessage("the amount is too large")
                .extracting(e -> ((BankException) e).code()).isEqualTo("ARG");
        assertThat(recorded).isEmpty();
        assertThat(ledger.balance("bob")).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(ledger.transfer("alice", "bob", 10)).as("up to the limit is fine").isEqualTo(90);
    }

    @Test
    void anUnknownAccountIsNamedInTheReplyCutShort() {
        Ledger ledger = TestBank.ledger("alice");
        assertThatThrownBy(() -> ledger.transfer("alice", "carol", 1)).hasMessage("no such account: carol");
        assertThatThrownBy(() -> ledger.transfer("alice", "x".repeat(900_000), 1))
                .hasMessage("no such account: " + "x".repeat(20) + "…");
        String emoji = "\uD83D\uDCB0".repeat(25); // 25 code points, 50 chars: never cut between the two halves of one
        assertThat(Ledger.echoed(emoji)).isEqualTo("\uD83D\uDCB0".repeat(20) + "…");
        assertThat(Ledger.echoed("y".repeat(20))).isEqualTo("y".repeat(20));
    }

    @Test
    void theLoginCheckKnowsOnlyTheRightPassword() {
        Ledger ledger = TestBank.ledger("alice");
        assertThat(ledger.authenticate("alice", "alice-secret")).isTrue();
        assertThat(ledger.authenticate("alice", "alice-secret ")).isFalse();
        assertThat(ledger.authenticate("nobody", "alice-secret")).isFalse();
    }
}
