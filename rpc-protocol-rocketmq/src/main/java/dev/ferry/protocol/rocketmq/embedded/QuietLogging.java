package dev.ferry.protocol.rocketmq.embedded;

import org.apache.rocketmq.logging.ch.qos.logback.classic.Level;
import org.apache.rocketmq.logging.ch.qos.logback.classic.Logger;
import org.apache.rocketmq.logging.ch.qos.logback.classic.LoggerContext;
import org.apache.rocketmq.logging.ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import org.apache.rocketmq.logging.ch.qos.logback.classic.spi.ILoggingEvent;
import org.apache.rocketmq.logging.ch.qos.logback.classic.spi.IThrowableProxy;
import org.apache.rocketmq.logging.ch.qos.logback.core.ConsoleAppender;
import org.apache.rocketmq.logging.ch.qos.logback.core.filter.Filter;
import org.apache.rocketmq.logging.ch.qos.logback.core.spi.FilterReply;
import org.apache.rocketmq.logging.org.slf4j.ILoggerFactory;
import org.apache.rocketmq.logging.org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Routes RocketMQ's internal logging to stderr: WARN, and ERROR for the chattiest loggers.
 *
 * <p>RocketMQ 5.x logs through its own shaded SLF4J + logback 1.3
 * ({@code org.apache.rocketmq.logging.*}, artifact {@code io.github.aliyunmq:rocketmq-logback-classic}),
 * apart from the application's SLF4J. Its configurator ({@code DefaultJoranConfiguratorExt})
 * takes the system property {@code rmq.logback.configurationFile}, else the first of
 * {@code rmq.logback-test.xml}, {@code rmq.logback.xml}, …, {@code rmq.broker.logback.xml},
 * {@code rmq.namesrv.logback.xml}, …, {@code rmq.client.logback.xml} on the class path. With
 * the broker jar present that is the broker's file: ~25 INFO loggers writing to
 * {@code ~/logs/rocketmqlogs/*.log}; and since that file uses a deprecated element, logback
 * also dumps its whole status list (~150 lines) on stdout when it loads it.
 *
 * <p>So the first initialization is pointed, through that property (set only for the call and
 * then restored), at an empty configuration file, and the context is then set up in code. If
 * RocketMQ's logging was initialized earlier, the context is reset and set up the same way.
 * Nothing is changed when the application chose a configuration itself (the property, or
 * {@code rmq.logback-test.xml} / {@code rmq.logback.xml} on the class path).
 */
final class QuietLogging {

    private static final String CONFIG_FILE_PROPERTY = "rmq.logback.configurationFile";
    private static final String APPENDER_NAME = "ferry-embedded-rocketmq";
    /**
     * WARN is their normal chatter in an embedded broker: the POP revive threads warn every
     * second when the timer wheel is off, the transaction checker on every scan, the store and
     * the SPI loader on every start and stop.
     */
    private static final String[] ERROR_ONLY = {
        "RocketmqPop", "RocketmqTransaction", "RocketmqStore", "RocketmqCommon", "RocketmqRocksDB", "RocketmqStats",
    };
    private static boolean applied;

    private QuietLogging() {
    }

    static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        if (System.getProperty(CONFIG_FILE_PROPERTY) != null) {
            return;
        }
        ClassLoader loader = QuietLogging.class.getClassLoader();
        if (loader.getResource("rmq.logback-test.xml") != null || loader.getResource("rmq.logback.xml") != null) {
            return;
        }
        ILoggerFactory factory = initializeWithEmptyConfiguration();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        // Stops and detaches every appender, cancels any "scan for changes" task and resets every
        // logger to "inherit the root's level, additive".
        context.reset();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [rocketmq %thread] %logger{36} - %msg%n");
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER_NAME);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        KnownNoise noise = new KnownNoise();
        noise.setContext(context);
        noise.start();
        stderr.addFilter(noise);
        stderr.start();

        Logger root = context.getLogger(org.apache.rocketmq.logging.org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        for (String name : ERROR_ONLY) {
            context.getLogger(name).setLevel(Level.ERROR);
        }
    }

    /** Gets the logger factory; if this call initializes it, it loads an empty configuration. */
    private static ILoggerFactory initializeWithEmptyConfiguration() {
        Path empty = null;
        try {
            empty = Files.createTempFile("ferry-rmq-logback-", ".xml");
            Files.writeString(empty, "<configuration/>\n", StandardCharsets.UTF_8);
            System.setProperty(CONFIG_FILE_PROPERTY, empty.toUri().toString());
        } catch (IOException e) {
            empty = null; // fall back: RocketMQ's default file, then the reset
        }
        try {
            return LoggerFactory.getILoggerFactory();
        } finally {
            if (empty != null) {
                System.clearProperty(CONFIG_FILE_PROPERTY);
                try {
                    Files.deleteIfExists(empty);
                } catch (IOException ignored) {
                    empty.toFile().deleteOnExit();
                }
            }
        }
    }

    /**
     * Drops messages every embedded start or stop logs: two ERRORs about expected interrupts
     * (every NameServer shutdown interrupts its unregistration thread; {@code EmbeddedRocketMq.close()}
     * interrupts the store's 3 s shutdown sleep), the broker's WARNs that it uses its default
     * transaction services (there is no SPI file for them), a push consumer's WARNs (with a
     * stack trace per queue) when its client shuts down while its long-polling pulls are still
     * parked at the broker, a new group's missing retry topic, and a skipped concurrent heartbeat.
     */
    private static final class KnownNoise extends Filter<ILoggingEvent> {
        private static final Set<String> INTERRUPTED = Set.of(
            "Handle unregister broker request failed", "shutdown Exception, ");
        private static final Set<String> DEFAULTS = Set.of(
            "Load default transaction message hook service: {}", "Load default discard message hook service: {}",
            "PullMessageServiceScheduledThread has shutdown",
            // Two heartbeats at once (a rebalance's and the periodic one): the loser skips, harmlessly.
            "lock heartBeat, but failed. [{}]");
        /** A new consumer group's retry topic, which the broker creates only when first needed. */
        private static final String NO_ROUTE = "get Topic [{}] RouteInfoFromNameServer is not exist value";
        private static final String PULL_FAILED = "execute the pull request exception";
        private static final String CLOSED_CHANNEL = "org.apache.rocketmq.remoting.exception.RemotingSendRequestException";

        @Override
        public FilterReply decide(ILoggingEvent event) {
            String message = event.getMessage();
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null && InterruptedException.class.getName().equals(thrown.getClassName())
                && INTERRUPTED.contains(message)) {
                return FilterReply.DENY;
            }
            if (thrown != null && CLOSED_CHANNEL.equals(thrown.getClassName()) && message != null
                && message.startsWith(PULL_FAILED)) {
                return FilterReply.DENY;
            }
            if (NO_ROUTE.equals(message) && event.getArgumentArray() != null && event.getArgumentArray().length > 0
                && String.valueOf(event.getArgumentArray()[0]).startsWith("%RETRY%")) {
                return FilterReply.DENY;
            }
            return DEFAULTS.contains(message) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
