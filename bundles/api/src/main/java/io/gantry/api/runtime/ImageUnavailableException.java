package io.gantry.api.runtime;

/** An image is not on the node and cannot be pulled ({@code ErrImagePull}). */
public class ImageUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ImageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
