package io.gantry.api.store.migration;

import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The storage backends the API server can use, the one in use, and the live migration between
 * them; the API server offers it as a service, for the shell and for configuration.
 */
@ProviderType
public interface StorageMigrations {

    /** The plugin names of the installed storage backends, sorted. */
    Set<String> installed();

    /** The plugin name of the backend in use (it may not be installed). */
    String inUse();

    /**
     * Copies the cluster state into the named installed backend while the cluster runs, and uses
     * that backend from then on; returns when done or failed (then nothing changed).
     *
     * @param progress told of each step as it is reached
     */
    Migration migrate(String target, Consumer<Migration> progress);

    /** The last migration, running or over. */
    Optional<Migration> lastMigration();
}
