package io.gantry.kubelet;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The server side of a WebSocket (RFC 6455) on a connection already upgraded: reads the client's
 * (masked) messages, writes unmasked ones. Writes may come from several threads; reads from one.
 */
final class WebSocket {

    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;
    /** Largest message accepted from a client (stdin chunks and resizes are small). */
    private static final int MAX_MESSAGE = 1 << 20;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** One message: its opcode and payload (fragments joined). */
    record Message(int opcode, byte[] payload) {
    }

    private final DataInputStream in;
    private final OutputStream out;

    WebSocket(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = out;
    }

    /** The {@code Sec-WebSocket-Accept} answer to a client's key. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The next message, control messages included; null at the end of the connection. */
    Message read() throws IOException {
        int opcode = -1;
        byte[] payload = new byte[0];
        while (true) {
            int first;
            try {
                first = in.readUnsignedByte();
            } catch (EOFException e) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length < 0 || payload.length + length > MAX_MESSAGE) {
                throw new IOException("message over " + MAX_MESSAGE + " bytes");
            }
            byte[] mask = new byte[4];
            boolean masked = (second & 0x80) != 0;
            if (masked) {
                in.readFully(mask);
            }
            byte[] data = new byte[(int) length];
            in.readFully(data);
            if (masked) {
                for (int i = 0; i < data.length; i++) {
                    data[i] ^= mask[i & 3];
                }
            }
            int frameOpcode = first & 0x0f;
            boolean fin = (first & 0x80) != 0;
            if (frameOpcode >= CLOSE) {
                return new Message(frameOpcode, data); // control frames are never fragmented
            }
            if (frameOpcode != 0) {
                opcode = frameOpcode;
            }
            byte[] joined = new byte[payload.length + data.length];
            System.arraycopy(payload, 0, joined, 0, payload.length);
            System.arraycopy(data, 0, joined, payload.length, data.length);
            payload = joined;
            if (fin) {
                return new Message(opcode, payload);
            }
        }
    }

    /** Writes one unfragmented message. */
    synchronized void write(int opcode, byte[] payload, int offset, int length) throws IOException {
        byte[] head;
        if (length < 126) {
            head = new byte[] {(byte) (0x80 | opcode), (byte) length};
        } else if (length <= 0xffff) {
            head = new byte[] {(byte) (0x80 | opcode), 126, (byte) (length >>> 8), (byte) length};
        } else {
            head = new byte[10];
            head[0] = (byte) (0x80 | opcode);
            head[1] = 127;
            for (int i = 0; i < 8; i++) {
                head[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        out.write(head);
        out.write(payload, offset, length);
        out.flush();
    }

    /** A binary message of the Kubernetes channel protocols: the channel's byte, then the data. */
    synchronized void channel(int channel, byte[] data, int offset, int length) throws IOException {
        byte[] message = new byte[length + 1];
        message[0] = (byte) channel;
        System.arraycopy(data, offset, message, 1, length);
        write(BINARY, message, 0, message.length);
    }

    /** A close message with a status code (1000: normal). */
    void close(int code) throws IOException {
        write(CLOSE, new byte[] {(byte) (code >>> 8), (byte) code}, 0, 2);
    }
}
