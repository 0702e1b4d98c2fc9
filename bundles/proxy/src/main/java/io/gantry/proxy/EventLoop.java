package io.gantry.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IO thread of the proxy: a selector over its listeners and the connections they accepted,
 * tasks from other threads, and a once-a-second tick. A connection stays on the loop that
 * accepted it, so its two sockets are never touched by two threads.
 */
final class EventLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What a selection key is attached to. */
    interface Handler {
        void ready(SelectionKey key) throws IOException;

        /** The handler failed: release what it holds. */
        void failed(IOException e);
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<LongConsumer> ticks = new CopyOnWriteArrayList<>();
    /** Connections of this loop waiting for their backend's answer to connect; this loop's thread only. */
    final Set<TcpConnection> connecting = new HashSet<>();
    /** One buffer per loop, for every read of its connections: idle connections hold no buffer. */
    final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;

    EventLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /** Runs a task on this loop's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /** Adds a task run on this loop's thread about once a second, with {@link System#nanoTime}. */
    void onTick(LongConsumer tick) {
        ticks.add(tick);
    }

    void removeTick(LongConsumer tick) {
        ticks.remove(tick);
    }

    private void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        while (running) {
            try {
                selector.select(1000);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Handler handler = (Handler) key.attachment();
                    try {
                        if (key.isValid()) {
                            handler.ready(key);
                        }
                    } catch (IOException e) {
                        handler.failed(e);
                    } catch (CancelledKeyException e) {
                        // closed by the other side of the connection in this round
                    }
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    for (LongConsumer tick : ticks) {
                        tick.accept(now);
                    }
                    if (!connecting.isEmpty()) {
                        for (TcpConnection connection : new ArrayList<>(connecting)) {
                            connection.checkConnect(now);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Proxy IO loop {}: {}", thread.getName(), e.toString(), e);
            }
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Stops the loop; every channel it holds (listeners and connections) is closed. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
