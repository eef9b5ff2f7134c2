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
                        ledger.transfer(new Transfer(pair[0], "t" + i, pair[1], 1));
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
        ledger[0] = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> {
            try {
                recorded.add(transfer + " " + made + " seen at " + ledger[0].balance(transfer.payer()));
            } catch (BankException e) {
                throw new IOException(e);
            }
        });
        assertThat(ledger[0].transfer(new Transfer("alice", "t1", "bob", 300))).isEqualTo(99_700);
        assertThat(recorded).containsExactly("Transfer[payer=alice, id=t1, payee=bob, cents=300] true seen at 100000");
    }

    @Test
    void aTransferRefusedForWantOfFundsIsRecordedAsRefusedAndABadRequestIsNotRecordedAtAll() {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> recorded.add(transfer.id() + " " + made));
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "bob", 100_001))).isInstanceOf(BankException.class)
                .extracting(e -> ((BankException) e).code()).isEqualTo("FUNDS");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t2", "carol", 1))).hasMessage("no such account: carol");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t3", "alice", 1))).hasMessage("cannot transfer to yourself");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t4", "bob", 0))).hasMessage("the amount must be at least 1 cent");
        assertThat(recorded).as("a decision that depends on the balance; the others come out the same every time")
                .containsExactly("t1 false");
    }

    @Test
    void aRepeatedIdGetsTheFirstOutcomeAndMovesNoMoneyAgain() throws Exception {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> recorded.add(transfer.id()));
        assertThat(ledger.transfer(new Transfer("alice", "rent", "bob", 2500))).isEqualTo(97_500);
        assertThat(ledger.transfer(new Transfer("bob", "gift", "alice", 100))).isEqualTo(102_400);
        assertThat(ledger.transfer(new Transfer("alice", "rent", "bob", 2500))).as("the balance just after the first")
                .isEqualTo(97_500);
        assertThat(ledger.balance("alice")).isEqualTo(97_600);
        assertThat(ledger.balance("bob")).isEqualTo(102_400);
        assertThat(recorded).containsExactly("rent", "gift");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "rent", "bob", 2501)))
                .hasMessage("id rent was used for another transfer")
                .extracting(e -> ((BankException) e).code()).isEqualTo("ID");
        assertThat(ledger.transfer(new Transfer("bob", "rent", "alice", 1))).as("ids are the payer's own").isEqualTo(102_399);
        assertThat(ledger.outcome("alice", "rent")).isEqualTo(new Ledger.Outcome("bob", 2500, 97_500, null));
        assertThat(ledger.outcome("alice", "nothing")).isNull();
    }

    @Test
    void aRefusalIsTheFinalOutcomeOfItsIdEvenOnceTheMoneyIsThere() throws Exception {
        Ledger ledger = TestBank.ledger("alice", "bob");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "big", "bob", 150_000)))
                .hasMessage("balance 100000 is less than 150000");
        ledger.transfer(new Transfer("bob", "top-up", "alice", 60_000));
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "big", "bob", 150_000)))
                .as("the same answer as the first time").hasMessage("balance 100000 is less than 150000");
        assertThat(ledger.balance("alice")).isEqualTo(160_000);
        assertThat(ledger.outcome("alice", "big").made()).isFalse();
    }

    @Test
    void oneIdSentOnEightThreadsAtOnceMovesTheMoneyOnce() throws Exception {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> {
            synchronized (recorded) {
                recorded.add(transfer.id());
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Long> balances = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    long balance = ledger.transfer(new Transfer("alice", "once", "bob", 700));
                    synchronized (balances) {
                        balances.add(balance);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "retry-" + t);
            threads.add(thread);
            thread.start();
        }
        go.countDown(); // a client retrying on seven new connections while the first is still in work
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertThat(balances).hasSize(8).containsOnly(99_300L);
        assertThat(recorded).containsExactly("once");
        assertThat(ledger.balance("bob")).isEqualTo(100_700);
    }

    @Test
    void aFailedJournalStopsEveryLaterTransferAndMovesNoMoney() throws Exception {
        int[] calls = new int[1];
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> {
            calls[0]++;
            throw new IOException("No space left on device");
        });
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "bob", 1))).isInstanceOf(BankException.class)
                .hasMessage("the journal failed; unconfirmed transfers may still be on disk (ask STATUS after a restart);"
                        + " no transfers until a restart")
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
        assertThat(ledger.outcome("alice", "t1")).as("no outcome: a restart decides").isNull();
        assertThatThrownBy(() -> ledger.transfer(new Transfer("bob", "t2", "alice", 1))).isInstanceOf(BankException.class)
                .hasMessage("the journal has failed; no transfers until a restart")
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
        assertThat(calls[0]).as("the second transfer does not even try").isEqualTo(1);
        assertThat(ledger.balance("alice")).isEqualTo(TestBank.OPENING_CENTS);
        assertThat(ledger.balance("bob")).isEqualTo(TestBank.OPENING_CENTS);
    }

    @Test
    void aJournalThatTookItsLineBackSaysTheTransferWasNotMadeAndStillRefusesTheNext() {
        Ledger ledger = new Ledger(TestBank.accounts("alice", "bob"), (transfer, made) -> {
            throw new Ledger.NotRecordedException("force failed, line cut off again");
        });
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "bob", 1)))
                .hasMessage("the journal failed; unconfirmed transfers were not made; no transfers until a restart");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "bob", 1)))
                .extracting(e -> ((BankException) e).code()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void anAmountThatWouldOverflowTheReceiversBalanceIsRefusedAndNotRecorded() throws Exception {
        List<String> recorded = new ArrayList<>();
        Ledger ledger = new Ledger(List.of(new Account("alice", PasswordHash.of("a", 1), 100),
                new Account("bob", PasswordHash.of("b", 1), Long.MAX_VALUE - 10)),
                (transfer, made) -> recorded.add(transfer.id() + " " + made));
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "bob", 11))).isInstanceOf(BankException.class)
                .hasMessage("the amount is too large")
                .extracting(e -> ((BankException) e).code()).isEqualTo("ARG");
        assertThat(recorded).as("refused: it depends on bob's balance").containsExactly("t1 false");
        assertThat(ledger.balance("bob")).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(ledger.transfer(new Transfer("alice", "t2", "bob", 10))).as("up to the limit is fine").isEqualTo(90);
    }

    @Test
    void anUnknownAccountIsNamedInTheReplyCutShort() {
        Ledger ledger = TestBank.ledger("alice");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t1", "carol", 1))).hasMessage("no such account: carol");
        assertThatThrownBy(() -> ledger.transfer(new Transfer("alice", "t2", "x".repeat(900_000), 1)))
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

    @Test
    void aLoginForNobodyIsCheckedAgainstAHashAsCostlyAsTheAccounts() {
        List<Credential> checked = new ArrayList<>();
        Credential decoy = new Credential() {
            @Override
            public boolean matches(String attempt) {
                checked.add(this);
                return false;
            }

            @Override
            public Credential decoy() {
                return this;
            }
        };
        Credential real = new Credential() {
            @Override
            public boolean matches(String attempt) {
                checked.add(this);
                return attempt.equals("right");
            }

            @Override
            public Credential decoy() {
                return decoy;
            }
        };
        Ledger ledger = new Ledger(List.of(new Account("alice", real, 1)), Ledger.Recorder.NONE);
        assertThat(ledger.authenticate("mallory", "right")).isFalse();
        assertThat(ledger.authenticate("alice", "right")).isTrue();
        assertThat(checked).as("a hash is computed for the unknown name too").containsExactly(decoy, real);
        PasswordHash hash = PasswordHash.of("x", 1234);
        assertThat(hash.decoy().iterations()).as("the same cost").isEqualTo(1234);
        assertThat(hash.decoy().matches("x")).isFalse();
    }
}
