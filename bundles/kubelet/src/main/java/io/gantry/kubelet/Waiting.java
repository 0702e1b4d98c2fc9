package io.gantry.kubelet;

/** Why a container is not running, as its {@code state.waiting} says ({@code CrashLoopBackOff}, {@code ErrImagePull}, ...). */
record Waiting(String reason, String message) {
}
