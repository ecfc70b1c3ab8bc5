package dev.ferry.protocol.dubbo.interop;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A closing Ferry provider tells a real Apache Dubbo consumer with Dubbo's read-only event: the
 * consumer's invoker turns unavailable while a call is still in flight, and that call still
 * completes.
 */
@Timeout(60)
class GracefulShutdownInteropTest {

    /** Holds {@link #echo} until released, so a call is in flight while the provider closes. */
    static final class HoldingImpl extends FerrySideImpl {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String echo(String s) {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return s;
        }
    }

    @Test
    void dubboConsumerStopsChoosingAFerryProviderThatIsShuttingDown() throws Exception {
        HoldingImpl impl = new HoldingImpl();
        DubboProtocol ferry = new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(2)
                .businessThreads(4).shutdownTimeout(Duration.ofSeconds(20)).build());
        DubboPeer dubbo = null;
        try {
            Exporter e = ferry.export(new ServiceInvoker(InteropService.class, ServiceKey.of(InteropService.class), impl),
                    new ExportOptions(List.of("hessian2"), "", 100));
            dubbo = new DubboPeer("shutdown-consumer");
            ReferenceConfig<InteropService> ref = new ReferenceConfig<>();
            ref.setInterface(InteropService.class);
            ref.setUrl(DubboPeer.url(e.endpoint().port(), "hessian2"));
            ref.setTimeout(30_000);
            ref.setRetries(0);
            dubbo.refer(ref).start();
            InteropService service = ref.get();
            assertEquals(5, service.add(2, 3));
            assertTrue(ref.getInvoker().isAvailable());

            CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> service.echo("last call"));
            assertTrue(impl.entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(ferry::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ref.getInvoker().isAvailable() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(ref.getInvoker().isAvailable(), "Dubbo took the read-only event");
            assertFalse(inFlight.isDone());
            impl.release.countDown();
            assertEquals("last call", inFlight.get(10, TimeUnit.SECONDS));
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            impl.release.countDown();
            if (dubbo != null) {
                dubbo.close();
            }
            ferry.close();
        }
    }
}
