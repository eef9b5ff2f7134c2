package course.reactor;

import java.io.IOException;

/**
 * A ledger whose journal writes to a RecordingJournalFile: a disk a test can hold, fail and look
 * at. Closing releases any held force and ends the journal thread; close it after the server.
 */
final class JournaledLedger implements AutoCloseable {
    final RecordingJournalFile disk = new RecordingJournalFile();
    final Journal journal = new Journal(disk);
    final Ledger ledger;

    JournaledLedger(String... users) throws IOException {
        ledger = new Ledger(TestBank.accounts(users), journal);
        journal.replay(ledger);
    }

    @Override
    public void close() throws IOException {
        disk.releaseForces();
        journal.close();
    }
}
