package dev.ferry.api.spi;

import dev.ferry.api.Endpoint;

/** A service exported on a protocol; unexporting stops taking new calls for it. */
public interface Exporter {

    /** Where consumers reach the service, with the port actually bound. */
    Endpoint endpoint();

    /** Stops serving the service on this protocol. */
    void unexport();
}
