package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gray release over the broker, with Dubbo's non-forced tag semantics: a call tagged
 * {@code gray} reaches only providers tagged {@code gray}, and the untagged providers when no
 * gray one is online; an untagged call reaches untagged providers only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqTagRoutingTest {

    private static EmbeddedRocketMq mq;

    public interface Where {
        String where();
    }

    static final class WhereImpl implements Where {
        final String name;
        final AtomicInteger calls = new AtomicInteger();

        WhereImpl(String name) {
            this.name = name;
        }

        @Override
        public String where() {
            calls.incrementAndGet();
            return name;
        }
    }

    @BeforeAll
    static void start() {
        mq = EmbeddedRocketMq.builder().build().start();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    private static FerryBootstrap bootstrap() {
        return FerryBootstrap.builder().protocol(new RocketMqProtocol(RocketMqProtocolConfig.builder(mq.nameServerAddress())
                .discoveryInterval(Duration.ofMillis(300)).build())).build();
    }

    private static Where ref(FerryBootstrap consumer, String tag, Duration timeout) {
        ReferenceConfig.Builder<Where> b = ReferenceConfig.builder(Where.class).group("tags").protocol("rocketmq")
                .timeout(timeout).retries(0);
        if (!tag.isEmpty()) {
            b.option(CallOptions.TAG, tag);
        }
        return consumer.refer(b.build());
    }

    @Test
    void grayCallsReachGrayProvidersOnlyAndFallBackToUntaggedOnesWhenNoneIsOnline() throws Exception {
        WhereImpl plain = new WhereImpl("plain");
        WhereImpl gray = new WhereImpl("gray");
        ServiceKey key = new ServiceKey(Where.class.getName(), "tags", "");
        try (FerryBootstrap grayProvider = bootstrap();
             FerryBootstrap consumer = bootstrap()) {
            grayProvider.export(ServiceConfig.builder(Where.class, gray).group("tags").tag("gray").protocol("rocketmq").build());
            Where untagged = ref(consumer, "", Duration.ofSeconds(30));
            Where grayRef = ref(consumer, "gray", Duration.ofSeconds(30));
            Where canary = ref(consumer, "canary", Duration.ofSeconds(30));

            // Only a gray provider runs: an untagged call waits for an untagged one, never going gray.
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(untagged::where);
            for (int i = 0; i < 5; i++) {
                assertEquals("gray", grayRef.where());
            }
            assertFalse(waiting.isDone(), "the untagged call is not taken by the gray provider");

            try (FerryBootstrap plainProvider = bootstrap()) {
                plainProvider.export(ServiceConfig.builder(Where.class, plain).group("tags").protocol("rocketmq").build());
                assertEquals("plain", waiting.get(30, TimeUnit.SECONDS));
                for (int i = 0; i < 10; i++) {
                    assertEquals("plain", untagged.where());
                    assertEquals("gray", grayRef.where());
                    assertEquals("plain", canary.where(), "no canary provider: falls back to untagged");
                }
                assertEquals(15, gray.calls.get());
                assertEquals(21, plain.calls.get());

                grayProvider.close();
                // Once the consumer sees that no gray provider is online, gray calls go to the
                // untagged ones. (Calls tagged while it still looked online wait for a gray provider.)
                Where hastyGray = ref(consumer, "gray", Duration.ofSeconds(2));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String answer = null;
                while (!"plain".equals(answer) && System.nanoTime() < deadline) {
                    try {
                        answer = hastyGray.where();
                    } catch (RpcException e) {
                        assertEquals(RpcException.Code.CLIENT_TIMEOUT, e.code(), e.getMessage());
                    }
                }
                assertEquals("plain", answer);
                for (int i = 0; i < 10; i++) {
                    assertEquals("plain", grayRef.where());
                }
                assertEquals(15, gray.calls.get(), "nothing reached the gray provider after it left");
            }
        }
        assertTrue(TopicNames.providerGroup(key, "gray").contains("_t-gray_"));
    }
}
