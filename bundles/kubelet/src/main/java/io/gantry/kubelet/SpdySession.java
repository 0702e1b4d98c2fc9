package io.gantry.kubelet;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The server side of a SPDY/3.1 session on an upgraded connection, as Kubernetes' streaming
 * protocols use it ({@code kubectl port-forward}, and {@code kubectl exec} before 1.30): the
 * client opens streams (SYN_STREAM with headers such as {@code streamType}), each is answered at
 * once (SYN_REPLY) and handed to the session's handler; data flows both ways in DATA frames, a FIN
 * flag half-closes a stream, PINGs are echoed. Flow control (WINDOW_UPDATE) is not applied:
 * Kubernetes' own SPDY library neither sends nor honours it.
 *
 * <p>Header blocks are zlib-compressed with the dictionary of the SPDY/3 specification, one
 * compression context per direction for the whole session.
 */
final class SpdySession implements AutoCloseable {

    private static final int VERSION = 3;
    private static final int SYN_STREAM = 1;
    private static final int SYN_REPLY = 2;
    private static final int RST_STREAM = 3;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int FLAG_FIN = 1;
    private static final int MAX_FRAME = 1 << 24;
    private static final int MAX_DATA_CHUNK = 32 * 1024;
    private static final int RST_CANCEL = 5;
    private static final byte[] END = new byte[0];

    private final DataInputStream in;
    private final OutputStream out;
    private final Inflater inflater = new Inflater();
    private final Deflater deflater = new Deflater();
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SpdySession(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = out;
        deflater.setDictionary(dictionary());
    }

    /** One stream the client opened: its headers, what it sends, and a way to answer. */
    final class Stream {
        private final int id;
        private final Map<String, String> headers;
        private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        private boolean finSent;

        Stream(int id, Map<String, String> headers) {
            this.id = id;
            this.headers = headers;
        }

        /** A header's value by lower-case name, or null. */
        String header(String name) {
            return headers.get(name);
        }

        /** What the client sends on this stream, until it half-closes it (FIN) or resets it. */
        InputStream input() {
            return new InputStream() {
                private byte[] chunk = new byte[0];
                private int position;
                private boolean ended;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    while (!ended && position == chunk.length) {
                        try {
                            chunk = received.take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while reading stream " + id);
                        }
                        position = 0;
                        ended = chunk == END;
                    }
                    if (ended) {
                        return -1;
                    }
                    int n = Math.min(len, chunk.length - position);
                    System.arraycopy(chunk, position, b, off, n);
                    position += n;
                    return n;
                }
            };
        }

        /** What this side sends on the stream; closing it half-closes the stream (FIN). */
        OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int sent = 0; sent < len; sent += MAX_DATA_CHUNK) {
                        data(id, b, off + sent, Math.min(MAX_DATA_CHUNK, len - sent), false);
                    }
                }

                @Override
                public void close() throws IOException {
                    finish();
                }
            };
        }

        /** Half-closes the stream from this side, once. */
        void finish() throws IOException {
            synchronized (this) {
                if (finSent) {
                    return;
                }
                finSent = true;
            }
            data(id, new byte[0], 0, 0, true);
        }

        private void ended() {
            received.add(END);
        }
    }

    /**
     * Reads frames until the client ends the session or the connection closes; each stream the
     * client opens is answered and handed to {@code opened} on this thread (which must not block).
     */
    void run(Consumer<Stream> opened) throws IOException {
        try {
            while (!closed) {
                int first;
                try {
                    first = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                int flagsAndLength = in.readInt();
                int flags = flagsAndLength >>> 24;
                int length = flagsAndLength & 0xffffff;
                if (length > MAX_FRAME) {
                    throw new IOException("SPDY frame of " + length + " bytes");
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (first < 0) {
                    if (!control((first >>> 16) & 0x7fff, first & 0xffff, flags, payload, opened)) {
                        return;
                    }
                } else {
                    Stream stream = streams.get(first);
                    if (stream != null) {
                        if (payload.length > 0) {
                            stream.received.add(payload);
                        }
                        if ((flags & FLAG_FIN) != 0) {
                            stream.ended();
                        }
                    }
                }
            }
        } finally {
            streams.values().forEach(Stream::ended);
        }
    }

    /** Handles one control frame; false when the client ends the session. */
    private boolean control(int version, int type, int flags, byte[] payload, Consumer<Stream> opened) throws IOException {
        if (version != VERSION) {
            throw new IOException("SPDY version " + version + " is not served (3 is)");
        }
        ByteBuffer frame = ByteBuffer.wrap(payload);
        switch (type) {
            case SYN_STREAM -> {
                int id = frame.getInt() & 0x7fffffff;
                frame.getInt(); // associated-to stream
                frame.getShort(); // priority and slot
                Stream stream = new Stream(id, headers(payload, frame.position()));
                streams.put(id, stream);
                reply(id);
                if ((flags & FLAG_FIN) != 0) {
                    stream.ended();
                }
                opened.accept(stream);
            }
            case RST_STREAM -> {
                Stream stream = streams.remove(frame.getInt() & 0x7fffffff);
                if (stream != null) {
                    stream.ended();
                }
            }
            case PING -> write(controlFrame(PING, 0, payload));
            case GOAWAY -> {
                return false;
            }
            default -> {
                // SETTINGS, WINDOW_UPDATE, HEADERS: nothing this server needs
            }
        }
        return true;
    }

    /** Resets a stream this side gives up on. */
    void reset(Stream stream) throws IOException {
        streams.remove(stream.id);
        stream.ended();
        write(controlFrame(RST_STREAM, 0, ByteBuffer.allocate(8).putInt(stream.id).putInt(RST_CANCEL).array()));
    }

    /** Ends the session: the client's streams end, and so does {@link #run}. */
    @Override
    public void close() {
        closed = true;
        streams.values().forEach(Stream::ended);
    }

    private void reply(int id) throws IOException {
        byte[] block = compress(ByteBuffer.allocate(4).putInt(0).array()); // no headers
        write(controlFrame(SYN_REPLY, 0, ByteBuffer.allocate(4 + block.length).putInt(id).put(block).array()));
    }

    private void data(int id, byte[] b, int off, int len, boolean fin) throws IOException {
        synchronized (out) {
            ByteBuffer head = ByteBuffer.allocate(8).putInt(id & 0x7fffffff).putInt(((fin ? FLAG_FIN : 0) << 24) | len);
            out.write(head.array());
            out.write(b, off, len);
            out.flush();
        }
    }

    private void write(byte[] frame) throws IOException {
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    private static byte[] controlFrame(int type, int flags, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putInt(0x80000000 | (VERSION << 16) | type)
                .putInt((flags << 24) | payload.length).put(payload).array();
    }

    /** A SYN_STREAM's header block, decompressed: names lower-case, several values joined by ", ". */
    private Map<String, String> headers(byte[] payload, int offset) throws IOException {
        byte[] block = inflate(payload, offset);
        ByteBuffer pairs = ByteBuffer.wrap(block);
        int count = pairs.getInt();
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = string(pairs).toLowerCase(Locale.ROOT);
            String value = string(pairs).replace("\0", ", ");
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return headers;
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private byte[] inflate(byte[] payload, int offset) throws IOException {
        inflater.setInput(payload, offset, payload.length - offset);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            while (true) {
                int n = inflater.inflate(buffer);
                if (n > 0) {
                    block.write(buffer, 0, n);
                } else if (inflater.needsDictionary()) {
                    inflater.setDictionary(dictionary());
                } else if (inflater.needsInput() || inflater.finished()) {
                    return block.toByteArray();
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("a SPDY header block does not decompress: " + e.getMessage(), e);
        }
    }

    private byte[] compress(byte[] block) {
        deflater.setInput(block);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            compressed.write(buffer, 0, n);
        } while (n == buffer.length);
        return compressed.toByteArray();
    }

    /**
     * The zlib dictionary of SPDY/3 header blocks (its specification, 2.6.10.1): common header
     * names and values, each after its 4-byte length, then common value fragments.
     */
    static byte[] dictionary() {
        List<String> words = List.of("options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
                "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control",
                "connection", "content-base", "content-encoding", "content-language", "content-length",
                "content-location", "content-md5", "content-range", "content-type", "date", "etag", "expect",
                "expires", "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range",
                "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma", "proxy-authenticate",
                "proxy-authorization", "range", "referer", "retry-after", "server", "te", "trailer",
                "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning", "www-authenticate", "method",
                "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive",
                "origin");
        String fragments = "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
                + "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
                + "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
                + "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
                + "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
                + "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
        ByteArrayOutputStream dictionary = new ByteArrayOutputStream();
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.ISO_8859_1);
            dictionary.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            dictionary.writeBytes(bytes);
        }
        dictionary.writeBytes(fragments.getBytes(StandardCharsets.ISO_8859_1));
        return dictionary.toByteArray();
    }

    /** Header values of a list as the client gave them ({@code a, b}). */
    static List<String> values(String header) {
        List<String> values = new ArrayList<>();
        if (header != null) {
            for (String value : header.split(",")) {
                if (!value.isBlank()) {
                    values.add(value.trim());
                }
            }
        }
        return values;
    }
}
