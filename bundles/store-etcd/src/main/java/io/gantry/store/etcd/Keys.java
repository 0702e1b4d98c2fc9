package io.gantry.store.etcd;

/**
 * Where Gantry's keys live in etcd: objects under {@code <keyPrefix>/objects}, the backend's own
 * bookkeeping under {@code <keyPrefix>/meta}, apart so that no list or watch of objects sees it.
 */
record Keys(String keyPrefix) {

    String etcdKey(String storeKey) {
        return keyPrefix + "/objects" + storeKey;
    }

    String storeKey(String etcdKey) {
        return etcdKey.substring(keyPrefix.length() + "/objects".length());
    }

    String meta(String name) {
        return keyPrefix + "/meta/" + name;
    }
}
