package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.SerializerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * hessian-lite's own deny list of gadget classes (the {@code DENY_CLASS} resource its
 * {@code ClassFactory} reads), applied as one more layer under the service's allowlist.
 * Ferry bypasses {@code ClassFactory} (see {@link AllowlistSerializerFactory}), so it reads the
 * list itself.
 */
final class HessianDenyList {

    private static final Set<String> NAMES = new HashSet<>();
    private static final String[] PREFIXES;

    static {
        List<String> prefixes = new ArrayList<>();
        try {
            ClassLoader loader = SerializerFactory.class.getClassLoader();
            Enumeration<URL> resources = loader == null
                    ? ClassLoader.getSystemResources("DENY_CLASS")
                    : loader.getResources("DENY_CLASS");
            while (resources.hasMoreElements()) {
                read(resources.nextElement(), prefixes);
            }
        } catch (IOException e) {
            // No list readable: the service allowlist and Ferry's own deny list still apply.
        }
        PREFIXES = prefixes.toArray(new String[0]);
    }

    private HessianDenyList() {
    }

    private static void read(URL url, List<String> prefixes) throws IOException {
        try (InputStream in = url.openStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int star = line.indexOf('*');
                if (star >= 0) {
                    // ClassFactory treats '*' as a wildcard; a prefix up to it is at least as strict.
                    if (star > 0) {
                        prefixes.add(line.substring(0, star));
                    }
                } else if (line.endsWith(".")) {
                    prefixes.add(line);
                } else {
                    NAMES.add(line);
                }
            }
        }
    }

    /** True when hessian-lite's deny list names {@code className} or one of its packages. */
    static boolean denies(String className) {
        if (NAMES.contains(className)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
