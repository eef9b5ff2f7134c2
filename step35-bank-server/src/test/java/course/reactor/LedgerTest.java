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
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> ledger.transfer("alice", "bob", 1))
                    .hasMessage("the journal has failed; no transfers until a restart");
        }
        assertThat(calls[0]).as("the second transfer does not even try").isEqualTo(1);
        assertThat(ledger.balance("alice")).isEqualTo(TestBank.OPENING_CENTS);
    }

    @Test
    void theLoginCheckKnowsOnlyTheRightPassword() {
        Ledger ledger = TestBank.ledger("alice");
        assertThat(ledger.authenticate("alice", "alice-secret")).isTrue();
        assertThat(ledger.authenticate("alice", "alice-secret ")).isFalse();
        assertThat(ledger.authenticate("nobody", "alice-secret")).isFalse();
    }
}
