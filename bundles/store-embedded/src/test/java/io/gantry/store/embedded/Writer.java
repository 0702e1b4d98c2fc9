package io.gantry.store.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A separate JVM for the crash test: writes from several threads into the store in the folder it
 * is given and prints each acknowledged key, until it is killed.
 */
public final class Writer {

    private Writer() {
    }

    public static void main(String[] args) {
        EmbeddedStore store = new EmbeddedStore(TestConfig.in(Path.of(args[0])));
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.execute(() -> {
                for (int i = 0; ; i++) {
                    String key = "/registry/pods/default/w" + writer + "-" + i;
                    long revision = store.create(key, ("value of " + key).getBytes(StandardCharsets.UTF_8)).modRevision();
                    synchronized (System.out) {
                        System.out.println(key + " " + revision);
                        System.out.flush();
                    }
                }
            });
        }
    }
}
