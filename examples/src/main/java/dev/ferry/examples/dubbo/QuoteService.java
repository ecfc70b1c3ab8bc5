package dev.ferry.examples.dubbo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The service of the Dubbo interoperability examples. Both sides share nothing but this
 * interface and its types, as a team moving from Apache Dubbo to Ferry (or back) would.
 */
public interface QuoteService {

    /** The latest quote of {@code symbol}. */
    Quote quote(String symbol) throws UnknownSymbolException;

    /** Quotes of several symbols, in order. */
    List<Quote> quotes(List<String> symbols) throws UnknownSymbolException;

    /** Like {@link #quote}, without holding a thread of the caller or of the provider. */
    CompletableFuture<Quote> quoteLater(String symbol);
}
