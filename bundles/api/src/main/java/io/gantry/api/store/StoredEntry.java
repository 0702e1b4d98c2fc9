package io.gantry.api.store;

/**
 * A key with its value and the revisions that created and last changed it.
 *
 * @param value the stored bytes, the caller's to read but not to change
 */
public record StoredEntry(String key, byte[] value, long createRevision, long modRevision) {
}
