package io.gantry.store.hazelcast;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: its filter, its own bounded queue of changes and its listener, called from a
 * {@link WatchDelivery} thread, one call at a time. When the queue is full the watch has fallen
 * behind: it is ended with {@link StoreException.Compacted} (its owner relists), and nobody else
 * waits for it.
 */
final class StoreWatcher implements StoreWatch {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWatcher.class);
    private static final int DRAIN_BATCH = 256;

    private final String prefix;
    private final long afterRevision;
    private final long restoreEpoch;
    private final StoreWatchListener listener;
    private final int queueLimit;
    private final WatchDelivery delivery;
    private final Consumer<StoreWatcher> onEnd;
    private final ArrayDeque<StoreEvent> queue = new ArrayDeque<>();
    private long lastOffered;
    private boolean scheduled;
    private boolean ended;
    private boolean closeDelivered;
    private StoreException endCause;

    StoreWatcher(String prefix, long afterRevision, long restoreEpoch, StoreWatchListener listener, int queueLimit,
            WatchDelivery delivery, Consumer<StoreWatcher> onEnd) {
        this.prefix = prefix;
        this.afterRevision = afterRevision;
        this.restoreEpoch = restoreEpoch;
        this.listener = listener;
        this.queueLimit = queueLimit;
        this.delivery = delivery;
        this.onEnd = onEnd;
        this.lastOffered = afterRevision;
    }

    long afterRevision() {
        return afterRevision;
    }

    long restoreEpoch() {
        return restoreEpoch;
    }

    /** A change from the history before registration: queued whatever the limit. */
    void replay(StoreEvent event) {
        enqueue(event, false);
    }

    /**
     * A new change; ends the watch if its queue is full.
     *
     * @return whether the watch goes on (the fan-out drops it otherwise)
     */
    boolean offer(StoreEvent event) {
        return enqueue(event, true);
    }

    private boolean enqueue(StoreEvent event, boolean bounded) {
        if (event.revision() <= lastOffered || !event.entry().key().startsWith(prefix)) {
            return true;
        }
        boolean fellBehind;
        synchronized (this) {
            if (ended) {
                return false;
            }
            fellBehind = bounded && queue.size() >= queueLimit;
            if (!fellBehind) {
                queue.addLast(event);
                lastOffered = event.revision();
                schedule();
            }
        }
        if (fellBehind) {
            LOG.info("A store watch on {} fell {} changes behind; ending it so that it relists", prefix, queueLimit);
            end(new StoreException.Compacted(lastOffered, event.revision()));
            return false;
        }
        return true;
    }

    /** Ends the watch: queued changes are dropped and the listener hears {@code cause} (null: closed). */
    void end(StoreException cause) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            endCause = cause;
            queue.clear();
            schedule();
        }
    }

    @Override
    public void close() {
        onEnd.accept(this);
        end(null);
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            delivery.run(this::drain);
        }
    }

    private void drain() {
        for (int delivered = 0; delivered < DRAIN_BATCH; delivered++) {
            StoreEvent event;
            StoreException cause;
            synchronized (this) {
                event = queue.pollFirst();
                if (event == null) {
                    if (!ended || closeDelivered) {
                        scheduled = false;
                        return;
                    }
                    closeDelivered = true;
                    cause = endCause;
                } else {
                    cause = null;
                }
            }
            if (event == null) {
                listener.onClose(cause);
                continue;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.error("A store watch listener failed on revision {}; ending the watch", event.revision(), e);
                onEnd.accept(this);
                end(new StoreException("watch listener failed: " + e.getMessage(), e));
            }
        }
        // Let other watches have the thread; this one goes on in a later turn.
        delivery.run(this::drain);
    }
}
