package dev.ferry.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The service the cluster tests call on several providers; every answer names the provider. */
public interface Inventory {

    String whoami();

    List<String> items();

    Set<String> tags();

    Map<String, Integer> stock();

    String[] names();

    int count();

    boolean healthy();

    String work(String key);

    void record(String event);

    /** The value of the attachment {@code key} the call arrived with, as the service sees it. */
    String attachment(String key);
}
