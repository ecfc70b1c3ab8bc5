package dev.ferry.examples.benchmark.dubbo;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer JVM of the benchmark: connects to one provider with one framework, and for each
 * method runs {@code threads} callers in a closed loop, first for the warm-up (not measured),
 * then for the measured period. Prints one line per method:
 * {@code RESULT <method> <calls> <seconds> <p50 ns> <p99 ns> <errors>}.
 */
public final class BenchmarkConsumer {

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private BenchmarkConsumer() {
    }

    public static void main(String[] args) throws Exception {
        Framework framework = Framework.valueOf(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        long warmupMillis = Long.parseLong(args[4]) * 1000;
        long measureMillis = Long.parseLong(args[5]) * 1000;
        List<String> methods = Arrays.asList(args[6].split(","));
        Framework.Consumer consumer = framework.connect(host, port);
        try {
            for (String method : methods) {
                System.out.println(run(consumer.service(), method.trim(), threads, warmupMillis, measureMillis));
                System.out.flush();
            }
        } finally {
            consumer.stop().close();
        }
        System.exit(0);
    }

    private static String run(UserService service, String method, int threads, long warmupMillis, long measureMillis)
            throws InterruptedException {
        Call call = call(service, method);
        AtomicLong counter = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Recorder[] recorders = new Recorder[threads];
        CountDownLatch done = new CountDownLatch(threads);
        Phase current = new Phase();
        for (int t = 0; t < threads; t++) {
            Recorder r = new Recorder();
            recorders[t] = r;
            Thread worker = new Thread(() -> {
                try {
                    int p;
                    while ((p = current.value) != STOP) {
                        long start = System.nanoTime();
                        try {
                            if (!call.once(counter.getAndIncrement())) {
                                errors.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                        if (p == MEASURE) {
                            r.add(System.nanoTime() - start);
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "caller-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        Thread.sleep(warmupMillis);
        long measureStart = System.nanoTime();
        errors.set(0);
        current.value = MEASURE;
        Thread.sleep(measureMillis);
        current.value = STOP;
        long measured = System.nanoTime() - measureStart;
        done.await(30, TimeUnit.SECONDS);
        long total = 0;
        for (Recorder r : recorders) {
            total += r.size;
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.samples, 0, all, at, r.size);
            at += r.size;
        }
        Arrays.sort(all);
        long p50 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.50))];
        long p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.99))];
        return "RESULT " + method + " " + total + " " + (measured / 1e9) + " " + p50 + " " + p99 + " " + errors.get();
    }

    /** One call of a method; false when the answer is not the expected one. */
    private interface Call {
        boolean once(long n);
    }

    private static Call call(UserService service, String method) {
        return switch (method) {
            case "existUser" -> n -> {
                String email = String.valueOf(n);
                return service.existUser(email) == (email.charAt(email.length() - 1) >= '5');
            };
            case "createUser" -> n -> service.createUser(UserServiceImpl.user(n, ""));
            case "getUser" -> n -> {
                User u = service.getUser(n);
                return u != null && u.getId() == n && u.getPermissions().size() == 15;
            };
            case "listUser" -> n -> {
                Page<User> page = service.listUser((int) n);
                return page != null && page.getResult().size() == UserServiceImpl.PAGE_SIZE && page.getPageNo() == (int) n;
            };
            default -> throw new IllegalArgumentException("unknown method " + method
                    + " (existUser, createUser, getUser, listUser)");
        };
    }

    /** The phase all callers read on every call. */
    private static final class Phase {
        volatile int value = WARMUP;
    }

    /** One caller's latencies in nanoseconds; only its own thread writes. */
    private static final class Recorder {
        long[] samples = new long[1 << 16];
        int size;

        void add(long nanos) {
            if (size == samples.length) {
                samples = Arrays.copyOf(samples, size * 2);
            }
            samples[size++] = nanos;
        }
    }
}
