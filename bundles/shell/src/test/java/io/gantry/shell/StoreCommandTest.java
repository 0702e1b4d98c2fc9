package io.gantry.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.store.migration.Migration;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The gantry:store command's output, on a stand-in for the API server's storage switch. */
class StoreCommandTest {

    private final FakeMigrations storage = new FakeMigrations();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void listsTheBackendsWithTheOneInUse() {
        run(null, null);

        assertEquals("BACKEND     IN USE\nembedded    *\netcd\nhazelcast\n", printed());
    }

    @Test
    void migratePrintsEachStepAndTheListShowsTheOutcome() {
        run("migrate", "etcd");

        assertEquals("GATING: waiting for the writes in progress\nCOPYING: copying 3 objects at revision 42\n"
                + "DONE: moved 3 objects from embedded to etcd; revisions go on from 45\n", printed());
        printed.reset();
        run(null, null);
        assertEquals("BACKEND     IN USE\nembedded\netcd        *\nhazelcast\n"
                + "Last migration: embedded -> etcd, DONE: moved 3 objects from embedded to etcd; revisions go on from 45\n", printed());
    }

    @Test
    void aFailedMigrationFailsTheCommandWithTheReason() {
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> run("migrate", "sqlite"));

        assertEquals("migration to sqlite failed: the storage backend 'sqlite' is not installed (installed: embedded, etcd, hazelcast)",
                failed.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> run("migrate", null));
        assertEquals("gantry:store migrate needs the backend to move to (installed: embedded, etcd, hazelcast)", missing.getMessage());
    }

    private void run(String action, String target) {
        StoreCommand command = new StoreCommand();
        command.storage = storage;
        command.action = action;
        command.target = target;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.execute();
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Answers as the API server's switch does, without copying anything. */
    private static final class FakeMigrations implements StorageMigrations {
        private final Set<String> installed = new TreeSet<>(Set.of("hazelcast", "embedded", "etcd"));
        private String inUse = "embedded";
        private Migration last;

        @Override
        public Set<String> installed() {
            return installed;
        }

        @Override
        public String inUse() {
            return inUse;
        }

        @Override
        public Migration migrate(String target, Consumer<Migration> progress) {
            Migration migration = new Migration(inUse, target, Migration.State.GATING, 0, 0,
                    "waiting for the writes in progress", Instant.now(), null);
            if (!installed.contains(target)) {
                last = migration.next(Migration.State.FAILED, 0, 0, "the storage backend '" + target
                        + "' is not installed (installed: " + String.join(", ", installed) + ")");
                progress.accept(last);
                return last;
            }
            progress.accept(migration);
            progress.accept(migration = migration.next(Migration.State.COPYING, 3, 42, "copying 3 objects at revision 42"));
            last = migration.next(Migration.State.DONE, 3, 45, "moved 3 objects from " + inUse + " to " + target
                    + "; revisions go on from 45");
            inUse = target;
            progress.accept(last);
            return last;
        }

        @Override
        public Optional<Migration> lastMigration() {
            return Optional.ofNullable(last);
        }
    }
}
