package dev.ferry.serialization;

import dev.ferry.api.spi.ClassAllowlist;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The class allowlist Ferry uses unless a service supplies its own: the JDK's plain value types,
 * plus whatever the builder adds (a service interface's own types, named classes, packages).
 *
 * <p>Allowed without configuration:
 * <ul>
 *   <li>primitives and their boxes, {@code String}, {@code Object}, {@code BigDecimal},
 *       {@code BigInteger}, {@code java.util.Date}, {@code java.sql.Date/Time/Timestamp},
 *       {@code UUID}, {@code Locale}, {@code Currency}, {@code BitSet}, everything in
 *       {@code java.time};</li>
 *   <li>the standard collections and maps ({@code ArrayList}, {@code LinkedList},
 *       {@code HashMap}, {@code LinkedHashMap}, {@code TreeMap}, {@code HashSet},
 *       {@code LinkedHashSet}, {@code TreeSet}, {@code ConcurrentHashMap},
 *       {@code CopyOnWriteArrayList}, their interfaces), the immutable ones
 *       ({@code java.util.ImmutableCollections$*}, {@code Collections$Unmodifiable*},
 *       {@code Collections$Empty*}, {@code Collections$Singleton*}, {@code Arrays$ArrayList});</li>
 *   <li>exceptions and errors declared directly in {@code java.lang} and {@code java.util}
 *       ({@code *Exception}, {@code *Error}, {@code Throwable}), the common
 *       {@code java.util.concurrent} and {@code java.io} exceptions, and
 *       {@code StackTraceElement};</li>
 *   <li>arrays of any allowed type.</li>
 * </ul>
 *
 * <p>Never allowed, whatever the builder adds: a deny list of known deserialization gadgets and
 * dangerous JDK types ({@code com.sun.rowset.}, {@code javax.management.}, {@code javax.naming.},
 * {@code java.rmi.}, {@code sun.}, {@code jdk.internal.}, {@code java.beans.},
 * {@code java.lang.reflect.}, {@code java.lang.Class}, {@code java.lang.Runtime},
 * {@code java.lang.ProcessBuilder}, {@code java.lang.Thread}, {@code java.net.URL},
 * {@code java.util.PriorityQueue}, commons-collections functors, Xalan, script engines …);
 * see {@link #isKnownGadget(String)}.
 *
 * <p>Instances are immutable, thread-safe and cache their decisions.
 */
public final class DefaultClassAllowlist implements ClassAllowlist {

    /** Decisions cached per instance; bounded so that random names from the wire cannot grow it forever. */
    private static final int MAX_CACHED_DECISIONS = 4096;

    private static final Set<String> PRIMITIVES = Set.of(
            "boolean", "byte", "short", "int", "long", "float", "double", "char", "void");

    private static final Set<String> JDK_NAMES = Set.of(
            // values
            "java.lang.Object", "java.lang.String", "java.lang.Boolean", "java.lang.Byte",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
            "java.lang.Double", "java.lang.Character", "java.lang.Number", "java.lang.Void",
            "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.Date", "java.sql.Date", "java.sql.Time", "java.sql.Timestamp",
            "java.util.UUID", "java.util.Locale", "java.util.Currency", "java.util.BitSet",
            // collections and maps
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet",
            "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.Arrays$ArrayList",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.CopyOnWriteArrayList",
            "java.util.Collection", "java.util.List", "java.util.Set", "java.util.SortedSet",
            "java.util.NavigableSet", "java.util.Map", "java.util.SortedMap",
            "java.util.NavigableMap", "java.util.Queue", "java.util.Deque",
            // exceptions beyond the java.lang / java.util rule
            "java.lang.StackTraceElement", "java.lang.Throwable",
            // abstract bases that Java serialization names in the descriptors of enums and records
            "java.lang.Enum", "java.lang.Record",
            "java.util.concurrent.TimeoutException", "java.util.concurrent.ExecutionException",
            "java.util.concurrent.CompletionException", "java.util.concurrent.CancellationException",
            "java.util.concurrent.RejectedExecutionException",
            "java.io.IOException", "java.io.UncheckedIOException", "java.io.EOFException",
            "java.io.FileNotFoundException");

    private static final String[] JDK_PREFIXES = {
            "java.time.",
            "java.util.ImmutableCollections$",
            "java.util.Collections$Unmodifiable",
            "java.util.Collections$Empty",
            "java.util.Collections$Singleton",
    };

    /** Exact names that are never allowed. */
    private static final Set<String> DENIED_NAMES = Set.of(
            "java.lang.Class", "java.lang.ClassLoader", "java.lang.Runtime", "java.lang.Process",
            "java.lang.ProcessBuilder", "java.lang.ProcessHandle", "java.lang.System",
            "java.lang.Thread", "java.lang.ThreadGroup", "java.lang.ThreadLocal",
            "java.lang.InheritableThreadLocal", "java.lang.Module", "java.lang.ModuleLayer",
            "java.lang.Package", "java.lang.SecurityManager",
            // the comparator of a priority queue is the classic gadget trigger
            "java.util.PriorityQueue", "java.util.concurrent.PriorityBlockingQueue",
            "java.util.ServiceLoader", "java.util.StringTokenizer",
            // URL.hashCode resolves the host: the DNS gadget
            "java.net.URL", "java.net.URLClassLoader",
            "java.io.FileInputStream", "java.io.FileOutputStream",
            "java.io.RandomAccessFile", "java.io.ObjectInputStream");

    /** Package (or nested-class) prefixes that are never allowed. */
    private static final String[] DENIED_PREFIXES = {
            "sun.", "com.sun.", "jdk.internal.", "jdk.jfr.", "jdk.nashorn.",
            "java.lang.reflect.", "java.lang.invoke.", "java.lang.instrument.", "java.lang.management.",
            "java.beans.", "java.rmi.", "java.security.", "java.awt.", "java.applet.",
            "java.util.logging.", "java.util.prefs.", "java.util.jar.", "java.util.zip.",
            "java.net.URLStreamHandler",
            "javax.management.", "javax.naming.", "javax.script.", "javax.swing.", "javax.imageio.",
            "javax.sound.", "javax.sql.", "javax.xml.", "javax.rmi.", "javax.print.",
            "javax.activation.", "javax.el.", "javax.tools.", "javax.security.",
            "com.sun.rowset.", "com.sun.org.apache.xalan.", "com.sun.org.apache.bcel.",
            "com.sun.jndi.", "com.sun.corba.",
            "org.apache.commons.collections.functors.", "org.apache.commons.collections4.functors.",
            "org.apache.commons.beanutils.", "org.apache.commons.configuration.",
            "org.apache.commons.configuration2.", "org.apache.commons.dbcp.", "org.apache.commons.dbcp2.",
            "org.apache.xalan.", "org.apache.xpath.", "org.apache.bcel.", "org.apache.xbean.",
            "org.apache.ibatis.javassist.", "org.apache.shiro.", "org.apache.tomcat.dbcp.",
            "org.apache.velocity.", "org.apache.wicket.util.", "org.apache.myfaces.", "org.apache.openjpa.",
            "org.apache.log4j.", "org.apache.logging.log4j.core.",
            "org.springframework.aop.", "org.springframework.beans.factory.",
            "org.springframework.jndi.", "org.springframework.transaction.jta.",
            "org.codehaus.groovy.runtime.", "groovy.lang.", "bsh.", "clojure.",
            "com.mchange.", "com.zaxxer.hikari.", "com.alibaba.druid.", "ch.qos.logback.",
            "org.hibernate.", "org.jboss.", "javassist.", "net.bytebuddy.", "org.mozilla.javascript.",
            "com.rometools.", "com.sun.syndication.", "org.python.", "oracle.jdbc.", "com.mysql.",
            "org.postgresql.", "org.h2.", "com.caucho.",
            // hessian-lite handles whose readResolve loads or instantiates a class named by the bytes
            "com.alibaba.com.caucho.hessian.io.CalendarHandle",
            "com.alibaba.com.caucho.hessian.io.EnumSetHandler",
            "com.alibaba.com.caucho.hessian.io.InetAddressHandle",
    };

    private static final DefaultClassAllowlist JDK_DEFAULTS = new DefaultClassAllowlist(Set.of(), new String[0]);

    private final Set<String> names;
    private final String[] prefixes;
    private final ConcurrentHashMap<String, Boolean> decisions = new ConcurrentHashMap<>();

    private DefaultClassAllowlist(Set<String> names, String[] prefixes) {
        this.names = names;
        this.prefixes = prefixes;
    }

    /** The JDK's plain value types only; shared and immutable. */
    public static DefaultClassAllowlist jdkDefaults() {
        return JDK_DEFAULTS;
    }

    /** A builder that starts from the JDK defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean allows(String className) {
        if (className == null || className.isEmpty()) {
            return false;
        }
        Boolean cached = decisions.get(className);
        if (cached != null) {
            return cached;
        }
        boolean allowed = decide(className);
        if (decisions.size() < MAX_CACHED_DECISIONS) {
            decisions.put(className, allowed);
        }
        return allowed;
    }

    private boolean decide(String className) {
        String name = componentName(className);
        if (name.isEmpty()) {
            return false;
        }
        if (PRIMITIVES.contains(name)) {
            return true;
        }
        if (isKnownGadget(name)) {
            return false;
        }
        if (names.contains(name) || isJdkDefault(name)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code className} (or an array's element type) is on the deny list of known
     * gadgets and dangerous JDK types; such a class is refused by every {@code DefaultClassAllowlist},
     * whatever was added to it.
     */
    public static boolean isKnownGadget(String className) {
        String name = componentName(className);
        if (DENIED_NAMES.contains(name)) {
            return true;
        }
        for (String prefix : DENIED_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJdkDefault(String name) {
        if (JDK_NAMES.contains(name)) {
            return true;
        }
        for (String prefix : JDK_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        // Exceptions and errors declared directly in java.lang and java.util: plain data carriers.
        String simple = null;
        if (name.startsWith("java.lang.")) {
            simple = name.substring("java.lang.".length());
        } else if (name.startsWith("java.util.")) {
            simple = name.substring("java.util.".length());
        }
        return simple != null
                && simple.indexOf('.') < 0
                && simple.indexOf('$') < 0
                && (simple.endsWith("Exception") || simple.endsWith("Error"));
    }

    /**
     * The element type's name of an array name ({@code [Lcom.x.Y;}, {@code [I}, or hessian's
     * {@code [com.x.Y} / {@code [int}); other names unchanged. Allowlist decisions and refusals
     * are about this name.
     */
    public static String componentName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return name;
        }
        String rest = name.substring(dims);
        if (rest.length() == 1) {
            switch (rest.charAt(0)) {
                case 'Z': return "boolean";
                case 'B': return "byte";
                case 'S': return "short";
                case 'I': return "int";
                case 'J': return "long";
                case 'F': return "float";
                case 'D': return "double";
                case 'C': return "char";
                default: return rest;
            }
        }
        if (rest.length() > 2 && rest.charAt(0) == 'L' && rest.charAt(rest.length() - 1) == ';') {
            return rest.substring(1, rest.length() - 1);
        }
        return rest;
    }

    @Override
    public String toString() {
        return "DefaultClassAllowlist{jdk defaults + " + names.size() + " classes, packages "
                + String.join(", ", prefixes) + "}";
    }

    /** Adds a service's own types and user-named classes and packages to the JDK defaults. */
    public static final class Builder {

        private static final String PROTOBUF_RUNTIME = "com.google.protobuf.";

        private final Set<String> names = new LinkedHashSet<>();
        private final Set<String> prefixes = new LinkedHashSet<>();
        private final Set<Type> visited = new HashSet<>();

        private Builder() {
        }

        /**
         * Allows the types a service interface exchanges: every method's parameter, return
         * (unwrapping {@code CompletableFuture<T>} and other futures) and exception types, their
         * generic arguments, and for each such class of the application its superclasses and the
         * types of its instance fields (not static, not transient), recursively. JDK classes,
         * the protobuf runtime's classes and protoc-generated messages are added by name but not
         * walked into. Subclasses that only appear at run time are not
         * found: add them with {@link #allowClass(String)} or {@link #allowPackage(String)}.
         */
        public Builder allowTypesOf(Class<?> serviceInterface) {
            Objects.requireNonNull(serviceInterface, "serviceInterface");
            for (Method method : serviceInterface.getMethods()) {
                if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
                    continue;
                }
                for (Type parameter : method.getGenericParameterTypes()) {
                    visit(parameter);
                }
                visit(unwrapFuture(method.getGenericReturnType()));
                for (Type exception : method.getGenericExceptionTypes()) {
                    visit(exception);
                }
            }
            return this;
        }

        /** Allows one class by its binary name, e.g. {@code com.example.Order$Line}. */
        public Builder allowClass(String className) {
            requireName(className, "className");
            names.add(className);
            return this;
        }

        /** Allows one class by name (not the types of its fields: use {@link #allowTypesOf} for a walk). */
        public Builder allowClass(Class<?> type) {
            Objects.requireNonNull(type, "type");
            visitClass(type, false);
            return this;
        }

        /**
         * Allows every class whose name starts with {@code packagePrefix}; a prefix without a
         * trailing dot gets one, so {@code com.example} does not admit {@code com.examplex}.
         */
        public Builder allowPackage(String packagePrefix) {
            requireName(packagePrefix, "packagePrefix");
            prefixes.add(packagePrefix.endsWith(".") ? packagePrefix : packagePrefix + ".");
            return this;
        }

        /** An immutable allowlist of the JDK defaults plus everything added. */
        public DefaultClassAllowlist build() {
            return new DefaultClassAllowlist(Set.copyOf(names), prefixes.toArray(new String[0]));
        }

        private static void requireName(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
        }

        private static Type unwrapFuture(Type type) {
            if (type instanceof ParameterizedType parameterized
                    && parameterized.getRawType() instanceof Class<?> raw
                    && (CompletionStage.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw))) {
                return parameterized.getActualTypeArguments()[0];
            }
            if (type instanceof Class<?> raw
                    && (CompletionStage.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw))) {
                return Object.class;
            }
            return type;
        }

        private void visit(Type type) {
            if (type == null || !visited.add(type)) {
                return;
            }
            if (type instanceof Class<?> c) {
                visitClass(c, true);
            } else if (type instanceof ParameterizedType p) {
                visit(p.getRawType());
                for (Type argument : p.getActualTypeArguments()) {
                    visit(argument);
                }
            } else if (type instanceof GenericArrayType a) {
                visit(a.getGenericComponentType());
            } else if (type instanceof WildcardType w) {
                for (Type bound : w.getUpperBounds()) {
                    visit(bound);
                }
                for (Type bound : w.getLowerBounds()) {
                    visit(bound);
                }
            } else if (type instanceof TypeVariable<?> v) {
                for (Type bound : v.getBounds()) {
                    visit(bound);
                }
            }
        }

        private void visitClass(Class<?> c, boolean walk) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.isPrimitive()) {
                return;
            }
            names.add(c.getName());
            if (!walk || isPlatform(c.getName()) || c.isEnum() || c.isInterface() || isProtobufMessage(c)) {
                return;
            }
            visit(c.getGenericSuperclass());
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) {
                    continue;
                }
                visit(field.getGenericType());
            }
        }

        private static boolean isPlatform(String name) {
            return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                    || name.startsWith("sun.") || name.startsWith("com.sun.") || name.startsWith(PROTOBUF_RUNTIME);
        }

        /**
         * A class generated by protoc: its fields are the protobuf runtime's internals (unknown
         * fields, memoised sizes, lazily decoded strings), not values the service exchanges.
         */
        private static boolean isProtobufMessage(Class<?> c) {
            for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
                if (s.getName().startsWith(PROTOBUF_RUNTIME)) {
                    return true;
                }
            }
            return false;
        }
    }
}
