package dev.ferry.core.config;

import dev.ferry.api.RpcReference;
import dev.ferry.api.RpcService;
import dev.ferry.core.TestServices.Greeter;
import dev.ferry.core.TestServices.GreeterImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.Serializable;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration refuses nonsense when it is built, with a message naming the problem. */
class ConfigValidationTest {

    @Test
    void annotationIsReadIntoTypedConfig() {
        ServiceConfig<?> c = ServiceConfig.fromAnnotation(new Versioned());
        assertEquals(Greeter.class, c.type());
        assertEquals("g1/" + Greeter.class.getName() + ":2.0", c.serviceKey().toString());
        assertEquals(java.util.List.of("dubbo"), c.protocols());
        assertEquals(Duration.ofMillis(1500), c.timeout());
        assertEquals(50, c.weight());
    }

    @Test
    void unannotatedOrAmbiguousServicesAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServiceConfig.fromAnnotation("not a service"))
                .getMessage().contains("@RpcService"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServiceConfig.fromAnnotation(new TwoInterfaces()))
                .getMessage().contains("interfaceClass"));
    }

    @Test
    void serviceBuilderRefusesMismatchedTypes() {
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.builder((Class) Runnable.class, new GreeterImpl()));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.builder((Class) GreeterImpl.class, new GreeterImpl()));
        assertThrows(NullPointerException.class, () -> ServiceConfig.builder(Greeter.class, null));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.builder(Greeter.class, new GreeterImpl()).weight(-1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "1.0;drop", "x y", "v\n1", "../etc", "${jndi:ldap://x}"})
    void hostileNamesAreRefused(String bad) {
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.builder(Greeter.class).version(bad));
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.builder(Greeter.class).group(bad));
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.builder(Greeter.class).tag(bad));
        assertThrows(IllegalArgumentException.class, () -> ServiceConfig.builder(Greeter.class, new GreeterImpl()).version(bad));
    }

    @Test
    void referenceBuilderRefusesNonsense() {
        ReferenceConfig.Builder<Greeter> b = ReferenceConfig.builder(Greeter.class);
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ofMillis(-5)));
        assertThrows(IllegalArgumentException.class, () -> b.retries(-1));
        assertThrows(IllegalArgumentException.class, () -> b.cluster(" "));
        assertThrows(IllegalArgumentException.class, () -> b.urls("dubbo://host:notaport"));
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.builder((Class) String.class));
    }

    @Test
    void referenceAnnotationFillsOnlyWhatIsSet() throws Exception {
        RpcReference a = Holder.class.getDeclaredField("greeter").getAnnotation(RpcReference.class);
        ReferenceConfig<?> c = ReferenceConfig.fromAnnotation(a, Greeter.class);
        assertEquals(Duration.ofMillis(700), c.callOptions().timeout());
        assertEquals(0, c.callOptions().get(dev.ferry.api.CallOptions.RETRIES));
        assertEquals("random", c.callOptions().get(dev.ferry.api.CallOptions.LOAD_BALANCE));
        assertEquals(2, c.urls().size());
        assertEquals("dubbo", c.urls().get(1).protocol());
    }

    static final class Holder {
        @RpcReference(timeout = 700, retries = 0, url = "dubbo://10.0.0.1:20880, dubbo://10.0.0.2:20880")
        Greeter greeter;
    }

    @RpcService(group = "g1", version = "2.0", protocol = "dubbo", timeout = 1500, weight = 50)
    static final class Versioned extends GreeterImplBase implements Greeter {
    }

    static class GreeterImplBase implements Greeter {
        private final GreeterImpl d = new GreeterImpl();

        public String hello(String n) {
            return d.hello(n);
        }

        public java.util.concurrent.CompletableFuture<String> helloAsync(String n) {
            return d.helloAsync(n);
        }

        public int add(int a, int b) {
            return a + b;
        }

        public void fail(String m) throws dev.ferry.core.TestServices.GreetingException {
            d.fail(m);
        }

        public dev.ferry.core.TestServices.User find(long id) {
            return d.find(id);
        }

        public java.util.List<dev.ferry.core.TestServices.User> list(int c) {
            return d.list(c);
        }

        public void nothing() {
        }
    }

    @RpcService
    static final class TwoInterfaces implements Runnable, Serializable {
        @Override
        public void run() {
        }
    }
}
