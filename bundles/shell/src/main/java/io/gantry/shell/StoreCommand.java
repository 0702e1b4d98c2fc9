package io.gantry.shell;

import io.gantry.api.print.Printers;
import io.gantry.api.store.migration.Migration;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code gantry:store}: the storage backends with the one in use and the last migration;
 * {@code gantry:store migrate NAME}: moves the cluster state to another backend while the cluster
 * runs, printing each step.
 */
@Service
@Command(scope = "gantry", name = "store", description = "Lists the storage backends, or migrates the cluster state to another")
public class StoreCommand implements Action {

    @Reference
    StorageMigrations storage;

    @Argument(index = 0, name = "action", required = false, description = "migrate, to move the cluster state")
    @Completion(value = StringsCompleter.class, values = {"migrate"})
    String action;

    @Argument(index = 1, name = "backend", required = false, description = "the backend to migrate to: embedded, etcd, hazelcast")
    @Completion(value = StringsCompleter.class, values = {"embedded", "etcd", "hazelcast"})
    String target;

    PrintStream out = System.out;

    @Override
    public Object execute() {
        if (action == null) {
            list();
            return null;
        }
        if (!"migrate".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "': use 'gantry:store' or 'gantry:store migrate <backend>'");
        }
        if (target == null) {
            throw new IllegalArgumentException("gantry:store migrate needs the backend to move to (installed: "
                    + String.join(", ", storage.installed()) + ")");
        }
        Migration outcome = storage.migrate(target, step -> out.println(step.state() + ": " + step.message()));
        if (outcome.state() != Migration.State.DONE) {
            // the command fails, so that scripts see it
            throw new IllegalStateException("migration to " + target + " failed: " + outcome.message());
        }
        return null;
    }

    private void list() {
        String inUse = storage.inUse();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("BACKEND", "IN USE"));
        for (String name : storage.installed()) {
            rows.add(List.of(name, name.equals(inUse) ? "*" : ""));
        }
        if (!storage.installed().contains(inUse)) {
            rows.add(List.of(inUse, "* (not installed)"));
        }
        out.print(Printers.columns(rows));
        storage.lastMigration().ifPresent(last -> out.println("Last migration: " + last.source() + " -> " + last.target()
                + ", " + last.state() + ": " + last.message()));
    }
}
