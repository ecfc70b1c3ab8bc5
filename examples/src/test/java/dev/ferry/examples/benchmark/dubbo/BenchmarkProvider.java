package dev.ferry.examples.benchmark.dubbo;

/**
 * The provider JVM of the benchmark: serves {@link UserService} with one framework, prints
 * {@code READY <port>} and runs until its standard input closes.
 */
public final class BenchmarkProvider {

    private BenchmarkProvider() {
    }

    public static void main(String[] args) throws Exception {
        Framework framework = Framework.valueOf(args[0]);
        Framework.Provider provider = framework.startProvider();
        System.out.println("READY " + provider.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the orchestrator closes our input to stop us
        }
        provider.stop().close();
        System.exit(0);
    }
}
