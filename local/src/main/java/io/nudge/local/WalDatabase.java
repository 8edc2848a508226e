package io.nudge.local;

import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import java.io.File;
import software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteDBAccess;

/**
 * DynamoDB Local's SQLite store, opened in write-ahead-log mode. DynamoDB Local commits every request as its own
 * transaction, and with SQLite's default rollback journal each commit syncs the disk three times: that, not the
 * engine, bounded a persisted runner (about 600 writes/s here). In WAL mode a commit appends to the log and the disk
 * is synced when the log is checkpointed ({@code synchronous=NORMAL}): a killed runner loses nothing it was told was
 * written (the log is in the operating system's hands), a power cut may lose the last writes before a checkpoint.
 * The mode is stored in the file, so other DynamoDB Local versions open it as they always did.
 */
final class WalDatabase extends SQLiteDBAccess {
    private WalDatabase(File file) {
        super(file);
    }

    private WalDatabase() {
        super();
    }

    static WalDatabase open(File file) throws Exception {
        WalDatabase database = new WalDatabase(file);
        database.pragma("journal_mode=WAL");
        database.pragma("synchronous=NORMAL");
        database.pragma("wal_autocheckpoint=1000");
        return database;
    }

    /** In memory there is no disk to sync. */
    static WalDatabase inMemory() {
        return new WalDatabase();
    }

    /**
     * Waits until the SQLite thread has ended and the file is released: DynamoDB Local's close only asks it to stop,
     * and a runner started again on the folder at once would find the database locked.
     */
    void awaitClosed() throws InterruptedException {
        queue.join();
    }

    /** Runs on DynamoDB Local's own SQLite thread, the only one that touches the connection. */
    private void pragma(String setting) throws Exception {
        queue.execute(new SQLiteJob<Void>() {
            @Override
            protected Void job(SQLiteConnection connection) throws Throwable {
                connection.exec("PRAGMA " + setting);
                return null;
            }
        }).get();
    }
}
