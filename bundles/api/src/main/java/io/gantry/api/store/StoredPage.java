package io.gantry.api.store;

import java.util.List;

/** The entries under a prefix, in key order, and the store revision they were read at. */
public record StoredPage(List<StoredEntry> entries, long revision) {
}
