package dev.ferry.protocol.dubbo.interop;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.GenericService;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcException;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.chain.FilterChain;
import dev.ferry.core.generic.GenericReference;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import dev.ferry.serialization.Serializations;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.rpc.service.EchoService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wire compatibility with a real Apache Dubbo 3.3.2, both ways: a Ferry consumer calls a Dubbo
 * provider, and a Dubbo consumer calls a Ferry provider, over each serialization both sides
 * have. Every case runs in both directions.
 *
 * <p>fastjson2 cases run once Ferry has a fastjson2 serialization (id 23) on the class path;
 * until then they are reported as skipped, with the reason.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DubboInteropTest {

    static final String HESSIAN2 = "hessian2";
    static final String FASTJSON2 = "fastjson2";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Who calls whom. */
    enum Path {
        FERRY_CALLS_DUBBO, DUBBO_CALLS_FERRY
    }

    private final DubboSideImpl dubboImpl = new DubboSideImpl();
    private final FerrySideImpl ferryImpl = new FerrySideImpl();
    private final ServiceKey key = ServiceKey.of(InteropService.class);
    private DubboProtocol ferryServer;
    private DubboProtocol ferryClient;
    private FerryBootstrap ferry;
    private DubboPeer dubbo;
    private Endpoint dubboEndpoint;
    private int ferryPort;
    private final Map<String, ReferenceConfig<InteropService>> dubboRefs = new HashMap<>();
    private final Map<String, ReferenceConfig<InteropService>> dubboAsyncRefs = new HashMap<>();
    private final Map<String, ReferenceConfig<org.apache.dubbo.rpc.service.GenericService>> dubboGenericRefs = new HashMap<>();
    private final Map<Path, Map<String, InteropService>> services = new EnumMap<>(Path.class);

    static Stream<Arguments> paths() {
        List<Arguments> out = new ArrayList<>();
        for (String serialization : List.of(HESSIAN2, FASTJSON2)) {
            for (Path p : Path.values()) {
                out.add(Arguments.of(p, serialization));
            }
        }
        return out.stream();
    }

    static boolean ferryHas(String serialization) {
        return Serializations.load().all().stream()
                .anyMatch(s -> s.id() == (serialization.equals(FASTJSON2) ? 23 : 2));
    }

    @BeforeAll
    void start() {
        DubboProtocolConfig config = DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(2)
                .businessThreads(32).shutdownTimeout(Duration.ofMillis(500)).build();
        ferryServer = new DubboProtocol(config);
        List<String> accepted = ferryHas(FASTJSON2) ? List.of(HESSIAN2, FASTJSON2) : List.of(HESSIAN2);
        Exporter exporter = ferryServer.export(FilterChain.of(new ServiceInvoker(InteropService.class, key, ferryImpl),
                List.of(FerrySideImpl.ATTACHMENT_ECHO)), new ExportOptions(accepted, "", 100));
        ferryPort = exporter.endpoint().port();

        dubbo = new DubboPeer("ferry-interop").provide(InteropService.class, dubboImpl);
        for (String serialization : List.of(HESSIAN2, FASTJSON2)) {
            dubboRefs.put(serialization, dubboReference(ferryPort, serialization, false));
            dubboAsyncRefs.put(serialization, dubboReference(ferryPort, serialization, true));
            ReferenceConfig<org.apache.dubbo.rpc.service.GenericService> generic = new ReferenceConfig<>();
            generic.setId("ferry-generic-" + serialization);
            generic.setInterface(InteropService.class.getName());
            generic.setGeneric("true");
            generic.setUrl(DubboPeer.url(ferryPort, serialization));
            generic.setTimeout((int) TIMEOUT.toMillis());
            generic.setRetries(0);
            generic.setCheck(false);
            dubbo.refer(generic);
            dubboGenericRefs.put(serialization, generic);
        }
        dubbo.start();
        dubboEndpoint = new Endpoint("dubbo", DubboPeer.HOST, dubbo.port());

        ferryClient = new DubboProtocol(config);
        ferry = FerryBootstrap.builder().protocol(ferryClient).build();
    }

    private ReferenceConfig<InteropService> dubboReference(int port, String serialization, boolean async) {
        ReferenceConfig<InteropService> ref = new ReferenceConfig<>();
        ref.setId("ferry-" + serialization + (async ? "-async" : ""));
        ref.setInterface(InteropService.class);
        ref.setUrl(DubboPeer.url(port, serialization));
        ref.setTimeout((int) TIMEOUT.toMillis());
        ref.setRetries(0);
        ref.setCheck(false);
        ref.setAsync(async);
        MethodConfig oneway = new MethodConfig();
        oneway.setName("record");
        oneway.setReturn(false);
        ref.setMethods(List.of(oneway));
        dubbo.refer(ref);
        return ref;
    }

    @AfterAll
    void stop() {
        // Consumers first, so no call is left waiting on a provider that is going away.
        if (ferry != null) {
            ferry.close();
        }
        if (dubbo != null) {
            dubbo.close();
        }
        if (ferryServer != null) {
            ferryServer.close();
        }
    }

    private InteropService service(Path path, String serialization) {
        assumeTrue(ferryHas(serialization), "Ferry has no " + serialization + " serialization on the class path yet");
        return services.computeIfAbsent(path, p -> new HashMap<>()).computeIfAbsent(serialization, s -> switch (path) {
            case DUBBO_CALLS_FERRY -> dubboRefs.get(s).get();
            case FERRY_CALLS_DUBBO -> ferry.refer(ferryReference(s).build());
        });
    }

    private dev.ferry.core.config.ReferenceConfig.Builder<InteropService> ferryReference(String serialization) {
        return dev.ferry.core.config.ReferenceConfig.builder(InteropService.class).url(dubboEndpoint)
                .serialization(serialization).retries(0).timeout(TIMEOUT);
    }

    private InteropServiceImpl provider(Path path) {
        return path == Path.FERRY_CALLS_DUBBO ? dubboImpl : ferryImpl;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void primitives(Path path, String serialization) {
        InteropService s = service(path, serialization);
        assertEquals(5, s.add(2, 3));
        assertEquals(Integer.MIN_VALUE, s.add(Integer.MAX_VALUE, 1));
        assertEquals(-(Long.MAX_VALUE - 7), s.negate(Long.MAX_VALUE - 7));
        assertEquals(1.25d, s.half(2.5d));
        assertFalse(s.not(true));
        assertEquals('Q', s.upper('q'));
        assertArrayEquals(new byte[]{3, 2, 1, -128}, s.reversed(new byte[]{-128, 1, 2, 3}));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void strings(Path path, String serialization) {
        InteropService s = service(path, serialization);
        assertEquals("héllo, 世界 \uD83D\uDE80", s.echo("héllo, 世界 \uD83D\uDE80"));
        assertEquals("", s.echo(""));
        String big = "x".repeat(70_000);
        assertEquals(big, s.echo(big));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void nullsBothWays(Path path, String serialization) {
        InteropService s = service(path, serialization);
        assertNull(s.echo(null));
        assertNull(s.older(null));
        assertNull(s.nothing());
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void pojoWithNestedPojoAndList(Path path, String serialization) {
        Member ada = new Member("ada", 36, List.of("admin", "dev"), new Address("London", 1815));
        Member older = service(path, serialization).older(ada);
        assertEquals(new Member("ada", 37, List.of("admin", "dev"), new Address("London", 1815)), older);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void listOfPojos(Path path, String serialization) {
        List<Member> team = service(path, serialization).team(15);
        assertEquals(15, team.size());
        for (int i = 0; i < 15; i++) {
            assertEquals(new Member("m" + i, 20 + i, List.of("r" + i), new Address("city" + i, 1000 + i)), team.get(i));
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void maps(Path path, String serialization) {
        InteropService s = service(path, serialization);
        assertEquals(Map.of("a", 1, "bb", 2, "ccc", 3), s.lengths(List.of("a", "bb", "ccc")));
        Member a = new Member("a", 1, List.of(), null);
        Member b = new Member("b", 2, List.of("x"), new Address("Oslo", 150));
        Map<String, Member> expected = new LinkedHashMap<>();
        expected.put("a", a);
        expected.put("b", b);
        assertEquals(expected, s.byName(List.of(a, b)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void businessExceptionArrivesWithItsClassAndMessage(Path path, String serialization) {
        InteropService s = service(path, serialization);
        InteropException e = assertThrows(InteropException.class, () -> s.fail("insufficient funds: 42"));
        assertEquals("insufficient funds: 42", e.getMessage());
        assertEquals(7, s.add(3, 4), "the connection keeps serving after an exception");
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void futureReturningMethod(Path path, String serialization) throws Exception {
        CompletableFuture<String> f = service(path, serialization).later("x");
        assertEquals("later x", f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void asynchronousReferenceOfASyncMethod(Path path, String serialization) throws Exception {
        service(path, serialization); // skips what this side cannot run yet
        CompletableFuture<String> f;
        if (path == Path.FERRY_CALLS_DUBBO) {
            InteropService async = ferry.refer(ferryReference(serialization).async(true).build());
            assertNull(async.echo("async"), "an async reference returns at once");
            f = RpcContext.takeFuture();
        } else {
            InteropService async = dubboAsyncRefs.get(serialization).get();
            async.echo("async");
            f = org.apache.dubbo.rpc.RpcContext.getContext().getCompletableFuture();
        }
        assertEquals("async", f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void onewayCallRunsOnTheProvider(Path path, String serialization) throws Exception {
        InteropService s = service(path, serialization);
        if (path == Path.FERRY_CALLS_DUBBO) {
            s = ferry.refer(ferryReference(serialization).option(CallOptions.ONEWAY, true).build());
        } // the Dubbo reference declares record() with return="false"
        String note = "note-" + UUID.randomUUID();
        s.record(note);
        assertEquals(note, provider(path).records.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void attachmentsTravelBothWays(Path path, String serialization) throws Exception {
        InteropService s = service(path, serialization);
        String trace = "trace-" + UUID.randomUUID();
        if (path == Path.DUBBO_CALLS_FERRY) {
            org.apache.dubbo.rpc.RpcContext.getClientAttachment().setAttachment("trace", trace);
            assertEquals(trace, s.attachment("trace"), "the provider saw the request attachment");
            assertEquals(trace, org.apache.dubbo.rpc.RpcContext.getClientResponseContext().getAttachment("echo-trace"),
                    "the consumer saw the response attachment");
        } else {
            Result r = rawCall("attachment", new Class<?>[]{String.class}, new Object[]{"trace"}, serialization,
                    Map.of("trace", trace));
            assertEquals(trace, r.value(), "the provider saw the request attachment");
            assertEquals(trace, r.attachments().get("echo-trace"), "the consumer saw the response attachment");
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void echoServiceAnswersWithItsArgument(Path path, String serialization) throws Exception {
        InteropService s = service(path, serialization);
        if (path == Path.DUBBO_CALLS_FERRY) {
            assertEquals("ping", ((EchoService) s).$echo("ping"));
            assertEquals(42, ((EchoService) s).$echo(42));
        } else {
            assertEquals("ping", rawCall("$echo", new Class<?>[]{Object.class}, new Object[]{"ping"}, serialization,
                    Map.of()).value());
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void concurrentCallsAreMatchedToTheirReplies(Path path, String serialization) throws Exception {
        InteropService s = service(path, serialization);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Member>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Member m = new Member("c" + i, i, List.of(), null);
                results.add(pool.submit(() -> s.older(m)));
            }
            for (int i = 0; i < results.size(); i++) {
                Member m = results.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("c" + i, m.getName());
                assertEquals(i + 1, m.getAge());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A generic caller on the given path: Ferry's {@link GenericReference} or Dubbo's GenericService. */
    private GenericCaller generic(Path path, String serialization) {
        service(path, serialization); // skips what this side cannot run yet
        if (path == Path.DUBBO_CALLS_FERRY) {
            org.apache.dubbo.rpc.service.GenericService g = dubboGenericRefs.get(serialization).get();
            return g::$invoke;
        }
        Invoker invoker = ferryClient.refer(GenericService.class, key, dubboEndpoint);
        GenericService g = new GenericReference(invoker, CallOptions.DEFAULT.with(CallOptions.SERIALIZATION, serialization)
                .with(CallOptions.TIMEOUT, TIMEOUT).with(CallOptions.RETRIES, 0));
        return g::$invoke;
    }

    /** The one method both generic interfaces share. */
    interface GenericCaller {
        Object $invoke(String method, String[] types, Object[] args);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void genericCallsWithPrimitivesPojosAsMapsAndLists(Path path, String serialization) {
        GenericCaller g = generic(path, serialization);
        assertEquals(5, g.$invoke("add", new String[]{"int", "int"}, new Object[]{2, 3}));
        assertEquals("hi", g.$invoke("echo", new String[]{"java.lang.String"}, new Object[]{"hi"}));
        assertNull(g.$invoke("nothing", new String[0], new Object[0]));

        Map<String, Object> home = new HashMap<>(Map.of("city", "Lagos", "zip", 100));
        Map<String, Object> ada = new HashMap<>(Map.of("name", "ada", "age", 36, "roles", List.of("admin"), "home", home));
        Object older = g.$invoke("older", new String[]{Member.class.getName()}, new Object[]{ada});
        Map<?, ?> m = (Map<?, ?>) older;
        assertEquals("ada", m.get("name"));
        assertEquals(37, m.get("age"));
        assertEquals(List.of("admin"), m.get("roles"));
        assertEquals(Member.class.getName(), m.get("class"));
        assertEquals("Lagos", ((Map<?, ?>) m.get("home")).get("city"));

        List<?> team = (List<?>) g.$invoke("team", new String[]{"int"}, new Object[]{15});
        assertEquals(15, team.size());
        assertEquals("m14", ((Map<?, ?>) team.get(14)).get("name"));

        Object lengths = g.$invoke("lengths", new String[]{List.class.getName()}, new Object[]{List.of("a", "bb")});
        assertEquals(Map.of("a", 1, "bb", 2), lengths);
        assertArrayEquals(new byte[]{2, 1}, (byte[]) g.$invoke("reversed", new String[]{"byte[]"},
                new Object[]{new byte[]{1, 2}}));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("paths")
    void genericCallToAnUnknownMethodFails(Path path, String serialization) {
        GenericCaller g = generic(path, serialization);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> g.$invoke("noSuchMethod", new String[]{"int"}, new Object[]{1}));
        assertTrue(String.valueOf(e.getMessage()).contains("noSuchMethod"), e.toString());
        assertEquals(5, g.$invoke("add", new String[]{"int", "int"}, new Object[]{2, 3}), "the connection keeps serving");
    }

    @org.junit.jupiter.api.Test
    void genericCallNamingAClassOutsideTheAllowlistIsRefusedByTheFerryProvider() {
        GenericCaller g = generic(Path.DUBBO_CALLS_FERRY, HESSIAN2);
        Map<String, Object> hostile = new HashMap<>(Map.of("class", "java.lang.ProcessBuilder", "name", "x"));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> g.$invoke("older", new String[]{Member.class.getName()}, new Object[]{hostile}));
        assertTrue(String.valueOf(e.getMessage()).contains("java.lang.ProcessBuilder is not allowed"), e.toString());
        Map<String, Object> unrelated = new HashMap<>(Map.of("class", "java.util.ArrayList"));
        RuntimeException e2 = assertThrows(RuntimeException.class,
                () -> g.$invoke("older", new String[]{Member.class.getName()}, new Object[]{unrelated}));
        assertTrue(String.valueOf(e2.getMessage()).contains("is not a " + Member.class.getName()), e2.toString());
    }

    @org.junit.jupiter.api.Test
    void ferryGenericCallToFerryProvider() {
        Invoker invoker = ferryClient.refer(GenericService.class, key,
                new Endpoint("dubbo", "127.0.0.1", ferryPort));
        try {
            GenericService g = new GenericReference(invoker, CallOptions.DEFAULT.with(CallOptions.TIMEOUT, TIMEOUT));
            Object older = g.$invoke("older", new String[]{Member.class.getName()},
                    new Object[]{new Member("bo", 1, List.of(), null)});
            assertEquals(2, ((Map<?, ?>) older).get("age"));
            RpcException e = assertThrows(RpcException.class, () -> g.$invoke("add", new String[]{"int"}, new Object[]{1}));
            assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
        } finally {
            invoker.close();
        }
    }

    /** A call through a Ferry invoker, to set and read attachments directly. */
    private Result rawCall(String method, Class<?>[] types, Object[] args, String serialization,
                           Map<String, Object> attachments) throws Exception {
        Invoker invoker = ferryClient.refer(InteropService.class, key, dubboEndpoint);
        try {
            RpcInvocation inv = new RpcInvocation(key, method, types, args, Object.class, new HashMap<>(attachments),
                    CallOptions.DEFAULT.with(CallOptions.SERIALIZATION, serialization).with(CallOptions.TIMEOUT, TIMEOUT));
            Result r = invoker.invoke(inv).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(!r.hasException(), () -> "no exception expected: " + r.exception());
            return r;
        } finally {
            invoker.close();
        }
    }
}
