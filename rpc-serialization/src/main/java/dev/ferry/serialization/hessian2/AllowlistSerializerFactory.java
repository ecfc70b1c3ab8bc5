package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.AbstractDeserializer;
import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.ArrayDeserializer;
import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.MapDeserializer;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Modifier;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hessian-lite {@link SerializerFactory} that resolves class names from the bytes only when a
 * {@link ClassAllowlist} allows them. One instance per allowlist, cached by
 * {@link Hessian2Serialization}, so hessian-lite's per-class deserializer caches are kept. The
 * allowlist is asked again on every lookup, ahead of those caches ({@link DefaultClassAllowlist}
 * caches its own answers).
 *
 * <h2>Why not hessian-lite's {@code ClassFactory}</h2>
 * In hessian-lite 4.0.3, {@code SerializerFactory.getDeserializer(String)} calls
 * {@code loadSerializedClass}, which asks {@code getClassFactory().load(name)}. That
 * {@code ClassFactory} (checked with javap): keeps its allow decisions in <em>static</em> maps
 * shared by every factory in the JVM, so one permissive factory admits a class for all; answers
 * a refused name by logging and returning {@code HashMap.class}, so the caller silently gets a
 * map instead of an error; and {@code getDeserializer(String)} swallows every exception of the
 * load into a JVM-wide "unrecognized type" cache. None of that fits a per-service allowlist with
 * a clear refusal, so this factory does the check itself, <em>before</em> hessian-lite looks at
 * the name:
 * <ul>
 *   <li>{@link #getDeserializer(String)} (every class name read from the bytes: object
 *       definitions, typed lists and maps, array element types) refuses with
 *       {@link ClassRefusedException} before anything is loaded, so a refused class is never
 *       loaded, initialised or instantiated;</li>
 *   <li>allowed names are resolved here too, with {@link #loadSerializedClass(String)} loading
 *       them directly with {@code Class.forName(name, false, loader)} (no static
 *       initialisation, no {@code ClassFactory}); hessian-lite's {@code getDeserializer(String)}
 *       is asked only for its static table of basic names, so its JVM-wide caches of unknown
 *       names are neither filled nor consulted;</li>
 *   <li>{@link #getDeserializer(Class)} (types chosen by the caller or by an allowed class's
 *       declared fields) refuses concrete classes the allowlist does not admit, and always
 *       {@code java.lang.Class}: hessian-lite would load the name it reads from the bytes with
 *       {@code Class.forName(name)}, initialising it.</li>
 * </ul>
 * On top of the allowlist, {@link DefaultClassAllowlist#isKnownGadget(String)} and hessian-lite's
 * own {@code DENY_CLASS} list are refused whatever the allowlist says, and every deserializer
 * handed out is wrapped in {@link GuardedDeserializer}, which caps lengths declared by the bytes.
 *
 * <p>The java.time handles of {@link JavaTimeHandle} (allowed when their java.time type is) are
 * read by {@link JavaTimeDeserializer}, which builds the value without reflection.
 */
final class AllowlistSerializerFactory extends SerializerFactory {

    /** Longer class names are malformed input (and hessian-lite would cache each one forever). */
    static final int MAX_TYPE_NAME_LENGTH = 2048;
    /** The JVM's limit on array dimensions. */
    static final int MAX_ARRAY_DIMENSIONS = 255;

    private static final int MAX_CACHED = 4096;

    /** hessian's own short type names (never classes to load). */
    private static final Set<String> HESSIAN_BASIC_NAMES = Set.of(
            "void", "boolean", "byte", "short", "int", "long", "float", "double", "char",
            "string", "date", "object");

    /** The names hessian-lite resolves from its static table without loading anything. */
    private static final Set<String> HESSIAN_STATIC_NAMES = Set.of(
            "void", "boolean", "byte", "short", "int", "long", "float", "double", "char",
            "string", "date", "object", "[boolean", "[byte", "[short", "[int", "[long", "[float",
            "[double", "[char", "[string", "[object");

    /** Types hessian reads from its own tags; they never need an allowlist entry. */
    private static final Set<Class<?>> TAG_TYPES = Set.of(
            String.class, Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
            Float.class, Double.class, Character.class, Void.class, Date.class);

    /**
     * hessian-lite writes these JDK values as its own handle classes, which resolve to the value
     * on reading: a handle is allowed when the type it stands for is.
     */
    private static final Map<String, String> HANDLES = handles();

    private static final Deserializer NOT_FOUND = new AbstractDeserializer();

    private final WeakReference<ClassAllowlist> allowlist;
    private final ConcurrentHashMap<String, Boolean> gadgets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Deserializer> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Deserializer> byClass = new ConcurrentHashMap<>();
    private final Deserializer mapFallback = GuardedDeserializer.guard(new MapDeserializer(HashMap.class));

    /**
     * @param allowlist held weakly: the factory is cached with the allowlist as a weak key, and a
     *                  reader holds the allowlist strongly while it uses the factory
     */
    AllowlistSerializerFactory(ClassLoader loader, ClassAllowlist allowlist) {
        super(loader);
        this.allowlist = new WeakReference<>(allowlist);
    }

    @Override
    public Deserializer getDeserializer(String type) throws HessianProtocolException {
        if (type == null || type.isEmpty()) {
            return null;
        }
        String component = componentOf(type);
        // Asked on every lookup, before any cache, so an allowlist may change its mind.
        if (!isAllowed(component)) {
            throw Sneaky.sneak(refusal(component));
        }
        Deserializer cached = byName.get(type);
        if (cached != null) {
            return cached == NOT_FOUND ? null : cached;
        }
        // hessian-lite's own getDeserializer(String) is only asked for its static table of basic
        // names: for anything else it would consult and fill JVM-wide caches of "unknown" names.
        Deserializer deserializer;
        if (HESSIAN_STATIC_NAMES.contains(type)) {
            deserializer = super.getDeserializer(type);
        } else if (JavaTimeHandle.forHandleName(type) != null) {
            // Read straight into the java.time value, without loading or resolving the handle.
            deserializer = new JavaTimeDeserializer(JavaTimeHandle.forHandleName(type));
        } else if (type.charAt(0) == '[') {
            Deserializer element = getDeserializer(type.substring(1));
            deserializer = new ArrayDeserializer(element != null ? element.getType() : Object.class);
        } else {
            Class<?> cl = loadOrNull(type);
            // An unknown class is read as a map (or list), as hessian-lite does.
            deserializer = cl == null ? null : getDeserializer(cl);
        }
        deserializer = GuardedDeserializer.guard(deserializer);
        if (byName.size() < MAX_CACHED) {
            byName.putIfAbsent(type, deserializer == null ? NOT_FOUND : deserializer);
        }
        return deserializer;
    }

    @Override
    public Deserializer getObjectDeserializer(String type) throws HessianProtocolException {
        // As hessian-lite, but its map fallback guarded: a class definition asks it for a field table.
        Deserializer deserializer = getDeserializer(type);
        return deserializer != null ? deserializer : mapFallback;
    }

    @Override
    public Deserializer getDeserializer(Class cl) throws HessianProtocolException {
        String refused = refusedDeclaredType(cl);
        if (refused != null) {
            return new RefusingDeserializer(refusal(refused));
        }
        Deserializer cached = byClass.get(cl);
        if (cached != null) {
            return cached;
        }
        Deserializer deserializer = GuardedDeserializer.guard(super.getDeserializer(cl));
        if (byClass.size() < MAX_CACHED) {
            byClass.putIfAbsent(cl, deserializer);
        }
        return deserializer;
    }

    @Override
    public Class<?> loadSerializedClass(String className) throws ClassNotFoundException {
        // Reached only for names getDeserializer(String) has already allowed; checked again so that
        // no other path can load a refused name.
        String component;
        try {
            component = componentOf(className);
        } catch (HessianProtocolException e) {
            throw new ClassNotFoundException(e.getMessage());
        }
        if (!isAllowed(component)) {
            throw new ClassNotFoundException(className + " is not allowed for deserialization");
        }
        return Class.forName(className, false, getClassLoader());
    }

    /** The name of {@code cl}'s element type when the allowlist refuses it, else null. */
    private String refusedDeclaredType(Class<?> cl) {
        Class<?> element = cl;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element == Class.class) {
            // hessian-lite's ClassDeserializer loads the name it reads with Class.forName(name),
            // initialising it; java.lang.Class is on the gadget deny list, so never allowed.
            return Class.class.getName();
        }
        if (element.isPrimitive() || element == Object.class || element.isInterface()
                || Modifier.isAbstract(element.getModifiers()) || TAG_TYPES.contains(element)) {
            // Nothing is instantiated from these by reflection: hessian reads tags, or defers to the
            // type name the bytes give, which getDeserializer(String) checks.
            return null;
        }
        return isAllowed(element.getName()) ? null : element.getName();
    }

    /** Whether instances of {@code className} (not an array name) may be created. */
    boolean isAllowed(String className) {
        if (HESSIAN_BASIC_NAMES.contains(className)) {
            return true;
        }
        Boolean gadget = gadgets.get(className);
        if (gadget == null) {
            // a fixed property of the name, and a scan of a few hundred prefixes: worth caching
            gadget = isKnownGadget(className);
            if (gadgets.size() < MAX_CACHED) {
                gadgets.put(className, gadget);
            }
        }
        if (gadget) {
            return false;
        }
        ClassAllowlist current = allowlist.get();
        if (current == null) {
            return false;
        }
        String represented = HANDLES.get(className);
        return current.allows(represented != null ? represented : className);
    }

    private static boolean isKnownGadget(String className) {
        return DefaultClassAllowlist.isKnownGadget(className) || HessianDenyList.denies(className);
    }

    static ClassRefusedException refusal(String className) {
        return new ClassRefusedException(className, isKnownGadget(className));
    }

    private Class<?> loadOrNull(String className) {
        try {
            return loadSerializedClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /**
     * The element type of a hessian type name ({@code [com.x.Y}, {@code [[int}), after checking
     * the name's shape; other names unchanged.
     */
    private static String componentOf(String type) throws HessianProtocolException {
        if (type.length() > MAX_TYPE_NAME_LENGTH) {
            throw new HessianProtocolException("type name of " + type.length() + " characters is too long");
        }
        int dims = 0;
        while (dims < type.length() && type.charAt(dims) == '[') {
            dims++;
        }
        if (dims > MAX_ARRAY_DIMENSIONS) {
            throw new HessianProtocolException("type name with " + dims + " array dimensions");
        }
        String component = type.substring(dims);
        if (dims > 0 && component.length() == 1) {
            // A JVM descriptor such as [I (only in java.lang.Class values).
            switch (component.charAt(0)) {
                case 'Z': return "boolean";
                case 'B': return "byte";
                case 'S': return "short";
                case 'I': return "int";
                case 'J': return "long";
                case 'F': return "float";
                case 'D': return "double";
                case 'C': return "char";
                default: break;
            }
        }
        if (component.length() > 2 && component.charAt(0) == 'L' && component.endsWith(";")) {
            component = component.substring(1, component.length() - 1);
        }
        if (component.isEmpty()) {
            throw new HessianProtocolException("malformed type name '" + type + "'");
        }
        return component;
    }

    private static Map<String, String> handles() {
        Map<String, String> handles = new HashMap<>();
        String io = "com.alibaba.com.caucho.hessian.io.";
        for (String time : new String[] {"Duration", "Instant", "LocalDate", "LocalDateTime", "LocalTime",
                "MonthDay", "OffsetDateTime", "OffsetTime", "Period", "Year", "YearMonth", "ZoneId",
                "ZoneOffset", "ZonedDateTime"}) {
            handles.put(io + "java8." + time + "Handle", "java.time." + time);
        }
        String chrono = io + "chronology.";
        handles.put(chrono + "AbstractChronologyHandle", "java.time.chrono.Chronology");
        handles.put(chrono + "ChronoLocalDateTimeImplHandle", "java.time.chrono.ChronoLocalDateTime");
        handles.put(chrono + "ChronoZonedDateTimeImplHandle", "java.time.chrono.ChronoZonedDateTime");
        handles.put(chrono + "ChronoPeriodImplHandle", "java.time.chrono.ChronoPeriod");
        handles.put(chrono + "HijrahDateHandle", "java.time.chrono.HijrahDate");
        handles.put(chrono + "JapaneseDateHandle", "java.time.chrono.JapaneseDate");
        handles.put(chrono + "JapaneseEraHandle", "java.time.chrono.JapaneseEra");
        handles.put(chrono + "MinguoDateHandle", "java.time.chrono.MinguoDate");
        handles.put(chrono + "ThaiBuddhistDateHandle", "java.time.chrono.ThaiBuddhistDate");
        handles.put(io + "LocaleHandle", "java.util.Locale");
        handles.put(io + "BitSetHandle", "java.util.BitSet");
        handles.put(io + "ByteHandle", "java.lang.Byte");
        handles.put(io + "ShortHandle", "java.lang.Short");
        handles.put(io + "FloatHandle", "java.lang.Float");
        // Not mapped on purpose: CalendarHandle (its readResolve instantiates a Class read from the
        // bytes), EnumSetHandler (holds a Class), InetAddressHandle.
        return Map.copyOf(handles);
    }

    /** Stands in for a refused declared type: fails every read, so nothing is instantiated. */
    static final class RefusingDeserializer extends AbstractDeserializer {

        private final ClassRefusedException refusal;

        RefusingDeserializer(ClassRefusedException refusal) {
            this.refusal = refusal;
        }

        private ClassRefusedException refused() {
            // A fresh exception per read, so stack traces point at the read, not the first lookup.
            return new ClassRefusedException(refusal.className(), refusal.knownGadget());
        }

        @Override
        public boolean isReadResolve() {
            // Keeps hessian-lite from swapping in another deserializer for the expected type.
            return true;
        }

        @Override
        public Object readObject(AbstractHessianInput in) throws IOException {
            throw refused();
        }

        @Override
        public Object readList(AbstractHessianInput in, int length) throws IOException {
            throw refused();
        }

        @Override
        public Object readLengthList(AbstractHessianInput in, int length) throws IOException {
            throw refused();
        }

        @Override
        public Object readMap(AbstractHessianInput in) throws IOException {
            throw refused();
        }

        @Override
        public Object readList(AbstractHessianInput in, int length, Class<?> expectType) throws IOException {
            throw refused();
        }

        @Override
        public Object readLengthList(AbstractHessianInput in, int length, Class<?> expectType) throws IOException {
            throw refused();
        }

        @Override
        public Object readMap(AbstractHessianInput in, Class<?> keyType, Class<?> valueType) throws IOException {
            throw refused();
        }

        @Override
        public Object[] createFields(int len) {
            throw Sneaky.sneak(refused());
        }

        @Override
        public Object createField(String name) {
            throw Sneaky.sneak(refused());
        }

        @Override
        public Object readObject(AbstractHessianInput in, Object[] fields) throws IOException {
            throw refused();
        }

        @Override
        public Object readObject(AbstractHessianInput in, String[] fieldNames) throws IOException {
            throw refused();
        }
    }
}
