package dev.ferry.examples.dubbo;

import java.io.Serializable;
import java.math.BigDecimal;

/** A price of one symbol. Serializable because Apache Dubbo's hessian2 asks for it. */
public class Quote implements Serializable {
    private static final long serialVersionUID = 1L;

    private String symbol;
    private BigDecimal price;
    private String currency;

    public Quote() {
    }

    public Quote(String symbol, BigDecimal price, String currency) {
        this.symbol = symbol;
        this.price = price;
        this.currency = currency;
    }

    public String getSymbol() {
        return symbol;
    }

    public BigDecimal getPrice() {
        return price;
    }

    public String getCurrency() {
        return currency;
    }

    @Override
    public String toString() {
        return symbol + " " + price + " " + currency;
    }
}
