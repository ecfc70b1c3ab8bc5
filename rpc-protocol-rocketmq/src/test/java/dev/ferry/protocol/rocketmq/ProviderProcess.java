package dev.ferry.protocol.rocketmq;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;

/**
 * A provider in its own JVM, for a test to kill with {@code kill -9}: exports {@link Work}
 * over RocketMQ, prints {@code READY} once it holds its queues and {@code CALL <n>} as each
 * call starts.
 *
 * <p>Arguments: the NameServer address and how long each call takes, in milliseconds.
 */
public final class ProviderProcess {

    private ProviderProcess() {
    }

    public interface Work {
        String run(int sequence) throws InterruptedException;
    }

    /** Sleeps, then answers with its name; tells {@code onStart} first. */
    public static final class WorkImpl implements Work {
        private final String name;
        private final long millis;
        private final java.util.function.IntConsumer onStart;

        public WorkImpl(String name, long millis, java.util.function.IntConsumer onStart) {
            this.name = name;
            this.millis = millis;
            this.onStart = onStart;
        }

        @Override
        public String run(int sequence) throws InterruptedException {
            onStart.accept(sequence);
            Thread.sleep(millis);
            return name + ":" + sequence;
        }
    }

    public static void main(String[] args) throws Exception {
        RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(args[0]).consumeThreads(4).build();
        FerryBootstrap ferry = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
        ferry.export(ServiceConfig.builder(Work.class, new WorkImpl("child", Long.parseLong(args[1]), n -> {
            System.out.println("CALL " + n);
            System.out.flush();
        })).protocol("rocketmq").build());
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
