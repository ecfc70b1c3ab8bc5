package dev.ferry.examples.dubbo;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.GenericService;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.generic.GenericReference;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Ferry consumer calling an existing Apache Dubbo 3 provider: the provider is a plain Dubbo
 * application ({@link QuoteBook} exported with Dubbo's API); the Ferry side knows nothing but
 * its address. Run with {@code mvn -B -Pferry-calls-dubbo -DskipTests verify}.
 */
public final class FerryCallsDubbo {

    private FerryCallsDubbo() {
    }

    public static void main(String[] args) throws Exception {
        run().forEach(System.out::println);
    }

    /** Runs the example and returns what it prints. */
    static List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        try (DubboSide dubbo = new DubboSide("quote-provider").serve(QuoteService.class, new QuoteBook()).start();
             FerryBootstrap ferry = FerryBootstrap.builder()
                     .protocol(new DubboProtocol(DubboProtocolConfig.builder().port(0).build())).build()) {
            Endpoint provider = new Endpoint("dubbo", DubboSide.host(), dubbo.port());
            out.add("Apache Dubbo provider at " + provider);

            QuoteService quotes = ferry.refer(ReferenceConfig.builder(QuoteService.class).url(provider)
                    .timeout(Duration.ofSeconds(5)).build());
            out.add("[ferry -> dubbo] quote:      " + quotes.quote("DUBBO"));
            out.add("[ferry -> dubbo] quotes:     " + quotes.quotes(List.of("ACME", "FERRY")));
            out.add("[ferry -> dubbo] async:      " + quotes.quoteLater("ACME").get(5, TimeUnit.SECONDS));
            try {
                quotes.quote("NOPE");
            } catch (UnknownSymbolException e) {
                out.add("[ferry -> dubbo] exception:  " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }

            // Without the interface: Dubbo's generic call, POJOs as maps.
            DubboProtocol dubboProtocol = (DubboProtocol) ferry.protocol(DubboProtocol.NAME);
            GenericService generic = new GenericReference(dubboProtocol.refer(GenericService.class,
                    ServiceKey.of(QuoteService.class), provider), CallOptions.DEFAULT);
            Object quote = generic.$invoke("quote", new String[]{"java.lang.String"}, new Object[]{"FERRY"});
            out.add("[ferry -> dubbo] generic:    " + new java.util.TreeMap<>((Map<?, ?>) quote));
        }
        return out;
    }
}
