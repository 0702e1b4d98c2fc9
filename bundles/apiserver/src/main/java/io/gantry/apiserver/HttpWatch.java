package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.json.Json;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.watch.CacheWatcher;
import io.gantry.apiserver.watch.WatchItem;
import io.gantry.apiserver.watch.WatchSink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP watch held without a request thread: the servlet starts it asynchronously, the watch
 * cache pushes its items here on a delivery thread, and a shared timer writes a blank when it
 * has been idle (so that a client that went away is noticed at the next write) and ends it at
 * its deadline. Writes to the response happen under this object's lock, one at a time.
 */
final class HttpWatch implements WatchSink, AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWatch.class);
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final AsyncContext async;
    private final OutputStream out;
    private final KindStrategy kind;
    private final boolean table;
    private final Tables.IncludeObject include;
    private volatile CacheWatcher watcher;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> deadline;
    private long lastWrite = System.nanoTime();
    private boolean done;

    HttpWatch(AsyncContext async, OutputStream out, KindStrategy kind, boolean table, Tables.IncludeObject include) {
        this.async = async;
        this.out = out;
        this.kind = kind;
        this.table = table;
        this.include = include;
    }

    /** Starts the heartbeat and the deadline once the cache accepted the watch. */
    synchronized void start(CacheWatcher opened, ScheduledExecutorService timer, long timeoutSeconds) {
        this.watcher = opened;
        if (done) {
            opened.close();
            return;
        }
        heartbeat = timer.scheduleWithFixedDelay(this::beat, 1, 1, TimeUnit.SECONDS);
        deadline = timer.schedule(() -> finish(null), timeoutSeconds, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void onEvent(WatchItem item) {
        if (done) {
            return;
        }
        try {
            if (table && item.type() != WatchEvent.Type.BOOKMARK) {
                ObjectNode event = Json.mapper().createObjectNode();
                event.put("type", item.type().name());
                event.set("object", Tables.table(kind, item.object(), include));
                out.write(Json.bytes(event));
                out.write('\n');
            } else {
                out.write(item.line());
            }
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException e) {
            LOG.debug("Watch client went away: {}", e.getMessage());
            finish(null);
        }
    }

    @Override
    public void onClose(ApiException cause) {
        finish(cause);
    }

    private synchronized void beat() {
        if (done || System.nanoTime() - lastWrite < HEARTBEAT_NANOS) {
            return;
        }
        try {
            // a blank between events is one that every JSON stream reader skips
            out.write(' ');
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException e) {
            finish(null);
        }
    }

    /** Ends the response once: with an ERROR event when the watch failed, then completes it. */
    private synchronized void finish(ApiException cause) {
        if (done) {
            return;
        }
        done = true;
        if (cause != null) {
            try {
                ObjectNode event = Json.mapper().createObjectNode();
                event.put("type", "ERROR");
                event.set("object", Json.tree(cause.status()));
                out.write(Json.bytes(event));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                LOG.debug("Watch client went away before its error: {}", e.getMessage());
            }
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
            deadline.cancel(false);
        }
        CacheWatcher current = watcher;
        if (current != null) {
            current.close();
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // the container ended the request first (client gone)
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        finish(null);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        finish(null);
    }

    @Override
    public void onError(AsyncEvent event) {
        finish(null);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
