package io.gantry.api.store;

/** The in-memory fake keeps the same contract as the real backends. */
class InMemoryStorageBackendTest extends StorageBackendConformance {

    @Override
    protected StorageBackend newBackend() {
        return new InMemoryStorageBackend();
    }
}
