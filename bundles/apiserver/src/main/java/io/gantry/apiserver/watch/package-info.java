/**
 * The API server's watch fan-out: {@link io.gantry.apiserver.watch.WatchCache} keeps one store
 * watch per resource, decodes each change once, and hands it to every watcher's own bounded
 * queue; a watcher that falls behind is ended with 410 Expired. Private to the API server.
 */
package io.gantry.apiserver.watch;
