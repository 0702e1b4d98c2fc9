package io.gantry.store.embedded;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** The embedded store's configuration as a test sets it. */
record TestConfig(Path folder, boolean groupCommit, int watchHistory) implements EmbeddedStore.Config {

    TestConfig(Path folder) {
        this(folder, true, 20000);
    }

    @Override
    public String dataFolder() {
        return folder.toString();
    }

    @Override
    public int watchHistoryMinutes() {
        return 60;
    }

    @Override
    public int compactionIntervalSeconds() {
        return 1;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return EmbeddedStore.Config.class;
    }
}
