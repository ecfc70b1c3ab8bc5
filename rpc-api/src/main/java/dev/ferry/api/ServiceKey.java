package dev.ferry.api;

import java.util.Objects;

/**
 * Identifies a service: its interface name, group and version. Two services with the same
 * key are interchangeable instances of one another.
 *
 * @param interfaceName fully qualified name of the service interface
 * @param group         service group, {@code ""} when none
 * @param version       service version, {@code ""} when none
 */
public record ServiceKey(String interfaceName, String group, String version) {

    public ServiceKey {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("service interface name is blank");
        }
        group = group == null ? "" : group;
        version = version == null ? "" : version;
    }

    /** A key with no group and no version. */
    public static ServiceKey of(Class<?> type) {
        return new ServiceKey(type.getName(), "", "");
    }

    /** {@code group/interface:version}, the form Dubbo uses for a service key. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!group.isEmpty()) {
            sb.append(group).append('/');
        }
        sb.append(interfaceName);
        if (!version.isEmpty()) {
            sb.append(':').append(version);
        }
        return sb.toString();
    }
}
