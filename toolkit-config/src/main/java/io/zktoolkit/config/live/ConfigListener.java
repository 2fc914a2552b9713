package io.zktoolkit.config.live;

/**
 * Told of each new version of a watched set, in version order, once per version. Called on the
 * watcher's own thread: a slow listener delays later versions, and an exception is logged and
 * does not stop other listeners or later versions.
 */
@FunctionalInterface
public interface ConfigListener {
    /** A new version was published. */
    void configChanged(ConfigChange change) throws Exception;
}
