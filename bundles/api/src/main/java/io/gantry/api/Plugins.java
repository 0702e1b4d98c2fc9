package io.gantry.api;

/**
 * Service properties by which the core finds plugins. Every plugin service registers
 * {@link #NAME} ({@code gantry.plugin}); the core picks one by name at the moment of use.
 */
public final class Plugins {

    /** Service property naming a plugin within its SPI, e.g. {@code docker} or {@code spread}. */
    public static final String NAME = "gantry.plugin";

    private Plugins() {
    }
}
