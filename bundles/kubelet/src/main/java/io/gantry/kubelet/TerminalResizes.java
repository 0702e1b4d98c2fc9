package io.gantry.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import io.gantry.api.runtime.TerminalSizes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal sizes a client sends ({@code {"Width":W,"Height":H}}, as client-go's
 * TerminalSize is written), from the WebSocket's channel 4 or SPDY's resize stream, queued for the
 * runtime. A size that does not read is dropped: a resize is never worth ending a session for.
 */
final class TerminalResizes implements TerminalSizes {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalResizes.class);
    private static final Size END = new Size(-1, -1);

    private final LinkedBlockingQueue<Size> sizes = new LinkedBlockingQueue<>();

    @Override
    public Size next() throws InterruptedException {
        Size size = sizes.take();
        if (size == END) {
            sizes.offer(END); // every later call ends too
            return null;
        }
        return size;
    }

    /** One size as the client wrote it. */
    void offer(byte[] json, int offset, int length) {
        try {
            JsonNode size = Json.mapper().readTree(json, offset, length);
            int width = size.path("Width").asInt(-1);
            int height = size.path("Height").asInt(-1);
            if (width > 0 && height > 0 && width <= 0xffff && height <= 0xffff) {
                sizes.offer(new Size(width, height));
            }
        } catch (IOException e) {
            LOG.debug("A terminal size that does not read: {}", e.getMessage());
        }
    }

    /** Reads sizes from a stream of JSON objects, one a line, until it ends; then no more come. */
    void readAll(InputStream stream) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                offer(bytes, 0, bytes.length);
            }
        } catch (IOException e) {
            LOG.debug("The resize stream ended: {}", e.getMessage());
        } finally {
            end();
        }
    }

    /** No more sizes come. */
    void end() {
        sizes.offer(END);
    }
}
