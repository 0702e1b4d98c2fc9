package io.gantry.api.store;

/** A store operation that could not be done as asked; the subclasses say why. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The key is already present. */
    public static class KeyExists extends StoreException {
        private static final long serialVersionUID = 1L;

        public KeyExists(String key) {
            super("key exists: " + key);
        }
    }

    /** The key is absent. */
    public static class KeyNotFound extends StoreException {
        private static final long serialVersionUID = 1L;

        public KeyNotFound(String key) {
            super("key not found: " + key);
        }
    }

    /** The key changed since the revision the writer expected. */
    public static class Conflict extends StoreException {
        private static final long serialVersionUID = 1L;
        private final long actualModRevision;

        public Conflict(String key, long expected, long actual) {
            super("key " + key + " is at revision " + actual + ", not " + expected);
            this.actualModRevision = actual;
        }

        public long actualModRevision() {
            return actualModRevision;
        }
    }

    /** The changes a watch asked for are no longer kept. */
    public static class Compacted extends StoreException {
        private static final long serialVersionUID = 1L;
        private final long oldestRevision;

        public Compacted(long requested, long oldestRevision) {
            super("too old resource version: " + requested + " (" + oldestRevision + ")");
            this.oldestRevision = oldestRevision;
        }

        /** The oldest revision still kept. */
        public long oldestRevision() {
            return oldestRevision;
        }
    }

    /**
     * The store cannot serve the operation now; the caller may retry later. A refused write (for
     * example on a member cut off from the majority of its cluster) changed nothing. The API
     * server answers it with 503 Service Unavailable.
     */
    public static class Unavailable extends StoreException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
