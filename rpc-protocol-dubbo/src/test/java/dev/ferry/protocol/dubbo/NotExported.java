package dev.ferry.protocol.dubbo;

/** A service nobody exports. */
public interface NotExported {
    String ping();
}
