package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.registry.metadata.ServiceMetadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One service as {@link ZookeeperServiceCatalog} found it.
 *
 * @param service   the service
 * @param providers its registered instances, sorted by their text form
 * @param metadata  what it offers, when a provider published it
 */
public record ServiceListing(ServiceKey service, List<Endpoint> providers, Optional<ServiceMetadata> metadata) {

    public ServiceListing {
        Objects.requireNonNull(service, "service");
        providers = List.copyOf(providers);
        Objects.requireNonNull(metadata, "metadata");
    }
}
