package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Request bodies read with kube-apiserver's size limit (3 MiB, 413 beyond); decoding them is the
 * schema package's {@code BodyReader}, through {@link ApiSchemas#read}.
 */
final class Bodies {

    /** kube-apiserver's limit for one request body. */
    static final int MAX_BYTES = 3 * 1024 * 1024;

    private Bodies() {
    }

    /**
     * How much of a too large body is read and dropped before the 413 is sent: a client still
     * sending when the server answers and closes would see its connection reset instead of the
     * answer. Beyond this the connection is closed.
     */
    private static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

    /** The whole body, or 413 when it is larger than the limit. */
    static byte[] read(InputStream in, long declaredLength) throws IOException {
        if (declaredLength > MAX_BYTES) {
            drain(in);
            throw tooLarge();
        }
        if (declaredLength >= 0) {
            // HTTP ends the stream there: one array of that size. Read up to the limit, a small
            // body took an 8 KB buffer and a copy, 7 % of what a create allocated.
            return in.readNBytes((int) declaredLength);
        }
        byte[] body = in.readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
            drain(in);
            throw tooLarge();
        }
        return body;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < MAX_DRAINED_BYTES && (n = in.read(buffer)) > 0) {
            total += n;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(Status.failure(413, "RequestEntityTooLarge",
                "Request entity too large: limit is " + MAX_BYTES));
    }

    /** The media type of a Content-Type header, lower case, without parameters. */
    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "application/json";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
