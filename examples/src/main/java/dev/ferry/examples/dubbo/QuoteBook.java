package dev.ferry.examples.dubbo;

import dev.ferry.api.RpcService;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A fixed book of quotes. Plain Java: the same class is served by Apache Dubbo in one example
 * and by Ferry (through the annotation) in the other.
 */
@RpcService(protocol = "dubbo")
public class QuoteBook implements QuoteService {

    private static final Map<String, BigDecimal> PRICES = Map.of(
            "ACME", new BigDecimal("12.50"),
            "FERRY", new BigDecimal("42.00"),
            "DUBBO", new BigDecimal("33.30"));

    @Override
    public Quote quote(String symbol) throws UnknownSymbolException {
        BigDecimal price = PRICES.get(symbol);
        if (price == null) {
            throw new UnknownSymbolException("no quote for " + symbol);
        }
        return new Quote(symbol, price, "EUR");
    }

    @Override
    public List<Quote> quotes(List<String> symbols) throws UnknownSymbolException {
        List<Quote> out = new ArrayList<>(symbols.size());
        for (String s : symbols) {
            out.add(quote(s));
        }
        return out;
    }

    @Override
    public CompletableFuture<Quote> quoteLater(String symbol) {
        try {
            return CompletableFuture.completedFuture(quote(symbol));
        } catch (UnknownSymbolException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
