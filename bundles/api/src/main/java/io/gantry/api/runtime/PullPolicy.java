package io.gantry.api.runtime;

/** Kubernetes {@code imagePullPolicy}. */
public enum PullPolicy {
    ALWAYS, IF_NOT_PRESENT, NEVER;

    /** Reads {@code Always}, {@code IfNotPresent} or {@code Never}; defaults as Kubernetes does by tag. */
    public static PullPolicy of(String policy, String image) {
        if ("Always".equals(policy)) {
            return ALWAYS;
        }
        if ("Never".equals(policy)) {
            return NEVER;
        }
        if ("IfNotPresent".equals(policy)) {
            return IF_NOT_PRESENT;
        }
        String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf('/') + 1);
        return tag.contains(":") && !tag.endsWith(":latest") || tag.equals("digest") ? IF_NOT_PRESENT : ALWAYS;
    }
}
