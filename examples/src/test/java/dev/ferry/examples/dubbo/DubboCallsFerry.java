package dev.ferry.examples.dubbo;

import dev.ferry.api.spi.Exporter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.apache.dubbo.rpc.service.EchoService;
import org.apache.dubbo.rpc.service.GenericService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An Apache Dubbo 3 consumer calling a Ferry provider: {@link QuoteBook} is exported by Ferry
 * (its {@code @RpcService} annotation), and a plain Dubbo application calls it with Dubbo's API,
 * knowing only the address. Run with {@code mvn -B -Pdubbo-calls-ferry -DskipTests verify}.
 */
public final class DubboCallsFerry {

    private DubboCallsFerry() {
    }

    public static void main(String[] args) throws Exception {
        run().forEach(System.out::println);
    }

    /** Runs the example and returns what it prints. */
    static List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        DubboProtocolConfig config = DubboProtocolConfig.builder().host("127.0.0.1").advertisedHost(DubboSide.host())
                .port(0).build();
        try (FerryBootstrap ferry = FerryBootstrap.builder().protocol(new DubboProtocol(config)).build()) {
            Exporter exporter = ferry.export(new QuoteBook()).get(0);
            String url = "dubbo://" + exporter.endpoint().host() + ":" + exporter.endpoint().port();
            out.add("Ferry provider at " + url);
            try (DubboSide dubbo = new DubboSide("quote-consumer")) {
                var typed = dubbo.reference(QuoteService.class, url);
                var generic = dubbo.genericReference(QuoteService.class.getName(), url);
                dubbo.start();
                QuoteService quotes = typed.get();
                out.add("[dubbo -> ferry] quote:      " + quotes.quote("FERRY"));
                out.add("[dubbo -> ferry] quotes:     " + quotes.quotes(List.of("ACME", "DUBBO")));
                out.add("[dubbo -> ferry] async:      " + quotes.quoteLater("DUBBO").get(5, TimeUnit.SECONDS));
                try {
                    quotes.quote("NOPE");
                } catch (UnknownSymbolException e) {
                    out.add("[dubbo -> ferry] exception:  " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                out.add("[dubbo -> ferry] $echo:      " + ((EchoService) quotes).$echo("are you there?"));
                GenericService g = generic.get();
                Object quote = g.$invoke("quote", new String[]{"java.lang.String"}, new Object[]{"ACME"});
                out.add("[dubbo -> ferry] generic:    " + new TreeMap<>((Map<?, ?>) quote));
            }
        }
        return out;
    }
}
